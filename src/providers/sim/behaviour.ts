/**
 * What a `sim` agent does for one attempt: deterministic, free, and able to reach every failure
 * path. Config (`providers.<key>.sim`) can be overridden from the environment so a demo or a test
 * can inject a failure without editing the config:
 *   LOOP_SIM_BEHAVIOUR=hang  LOOP_SIM_TASKS="t2=fail,t3=crash"  LOOP_SIM_LATENCY_MS=50
 *   LOOP_SIM_COST_USD=0.4  LOOP_SIM_FAIL_ATTEMPTS=1
 * A `LOOP_SIM_<VAR>_<PROVIDERKEY>` variant (key upper-cased, `-` → `_`) applies to one provider only.
 */
import type { SimBehaviour, SimConfig } from '../../../protocol/index.js';
import { SIM_BEHAVIOURS } from '../../../protocol/index.js';

export const DEFAULT_SIM: SimConfig = {
  latencyMs: 0,
  jitterMs: 0,
  latencySigma: 0,
  costUsd: 0,
  behaviour: 'ok',
  failAttempts: 0,
  tasks: {},
  tasksPerRole: 1,
  script: [],
};

/** The sim config after environment overrides. */
export function effectiveSim(config: SimConfig | undefined, providerKey: string, env: NodeJS.ProcessEnv): SimConfig {
  const base = { ...DEFAULT_SIM, ...config, tasks: { ...config?.tasks } };
  const suffix = `_${providerKey.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const read = (name: string): string | undefined => env[`LOOP_SIM_${name}${suffix}`] ?? env[`LOOP_SIM_${name}`];
  const behaviour = read('BEHAVIOUR');
  if (behaviour !== undefined) base.behaviour = parseBehaviour(behaviour, 'LOOP_SIM_BEHAVIOUR');
  const latency = read('LATENCY_MS');
  if (latency !== undefined) base.latencyMs = parseNumber(latency, 'LOOP_SIM_LATENCY_MS');
  const jitter = read('JITTER_MS');
  if (jitter !== undefined) base.jitterMs = parseNumber(jitter, 'LOOP_SIM_JITTER_MS');
  const cost = read('COST_USD');
  if (cost !== undefined) base.costUsd = parseNumber(cost, 'LOOP_SIM_COST_USD');
  const failAttempts = read('FAIL_ATTEMPTS');
  if (failAttempts !== undefined) base.failAttempts = parseNumber(failAttempts, 'LOOP_SIM_FAIL_ATTEMPTS');
  const tasks = read('TASKS');
  if (tasks !== undefined) {
    for (const pair of tasks.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [taskId, value] = pair.split('=');
      if (!taskId || !value) throw new Error(`LOOP_SIM_TASKS: expected "task=behaviour" pairs, got "${pair}"`);
      base.tasks[taskId.trim()] = parseBehaviour(value.trim(), 'LOOP_SIM_TASKS');
    }
  }
  return base;
}

/** The behaviour of one attempt: a per-task override wins; `failAttempts` limits it to the first N attempts. */
export function behaviourFor(sim: SimConfig, taskId: string | null, attempt: number): SimBehaviour {
  const chosen = (taskId !== null ? sim.tasks[taskId] : undefined) ?? sim.behaviour;
  if (chosen !== 'ok' && sim.failAttempts > 0 && attempt > sim.failAttempts) return 'ok';
  return chosen;
}

/**
 * Latency plus a deterministic spread from a hash of the task and attempt: uniform up to
 * `jitterMs`, and with `latencySigma` a log-normal factor around the median `latencyMs`.
 */
export function latencyFor(sim: SimConfig, key: string): number {
  let latency = sim.latencyMs;
  if (sim.latencySigma > 0) {
    // Box–Muller from two hashes: a standard normal z, the same for the same key.
    const u1 = (hash(`${key}#u1`) + 1) / 2 ** 32;
    const u2 = hash(`${key}#u2`) / 2 ** 32;
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    latency = Math.round(latency * Math.exp(sim.latencySigma * z));
  }
  return sim.jitterMs === 0 ? latency : latency + (hash(key) % (sim.jitterMs + 1));
}

export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function parseBehaviour(value: string, variable: string): SimBehaviour {
  if ((SIM_BEHAVIOURS as readonly string[]).includes(value)) return value as SimBehaviour;
  throw new Error(`${variable}: unknown sim behaviour "${value}" (expected one of ${SIM_BEHAVIOURS.join(', ')})`);
}

function parseNumber(value: string, variable: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${variable}: expected a number >= 0, got "${value}"`);
  return n;
}
