/**
 * The forecast `loop run` prints before it spends on tasks (pure): the plan's critical path, the
 * expected wall time and a cost range, from what earlier runs here measured (history.ts) and the
 * price table. With no history it says so and falls back to loop's per-call estimates, which are
 * also what the budget governor reserves.
 *
 * The model, per task: `attempts × (agent + gate + review) + merge`, each the median of earlier
 * runs (agent and review per provider); a cost range of `low = attempts₅₀ × (call₅₀ of the
 * implementer + call₅₀ of the critic)` to `high = attempts₉₀ × (call₉₀ + call₉₀)`, where a call's
 * dollars come from its tokens priced with today's table when the provider bills by tokens. Wall
 * time is a list schedule of those durations under maxParallel, role concurrency (during the
 * agent part) and file-scope leases, tallest chain first, as the scheduler does.
 */
import type { Tokens } from '../../protocol/index.js';
import { percentile } from '../util/stats.js';
import { scopeListsOverlap } from '../util/glob-overlap.js';
import type { CallSample, History } from './history.js';

export interface ForecastTask {
  id: string;
  role: string;
  dependsOn: readonly string[];
  files?: readonly string[];
}

/** A provider as the forecast prices it. */
export interface ForecastProvider {
  key: string;
  /** loop's per-call estimate (what the budget governor reserves without history). */
  estimateUsd: number;
  /** Today's price of some tokens, for providers that bill by tokens (codex, gemini). */
  priceTokens?: (tokens: Tokens) => number;
}

export interface ForecastSetup {
  tasks: readonly ForecastTask[];
  implementerOf(role: string): ForecastProvider;
  /** The critic that reviews this role's work, or null when there is none. */
  criticOf(role: string): ForecastProvider | null;
  maxParallel: number;
  roleConcurrency: Readonly<Record<string, number>>;
  maxRepairs: number;
}

export interface Forecast {
  tasks: number;
  criticalPath: string[];
  /** Null without history for every implementer's provider. */
  criticalPathMs: number | null;
  wallMs: number | null;
  costLowUsd: number;
  costHighUsd: number;
  attempts: { low: number; high: number };
  /** Earlier runs the figures come from (0: estimates only). */
  historyRuns: number;
  /** Providers priced by loop's estimates for want of history. */
  estimated: string[];
}

export function forecastRun(setup: ForecastSetup, history: History): Forecast {
  const attempts = history.attemptsPerTask.length > 0
    ? { low: Math.max(1, percentile(history.attemptsPerTask, 50)), high: Math.max(1, percentile(history.attemptsPerTask, 90)) }
    : { low: 1, high: 1 + setup.maxRepairs };
  const estimated = new Set<string>();
  const callUsd = (provider: ForecastProvider | null, samples: Map<string, { calls: CallSample[] }>, p: number): number => {
    if (!provider) return 0;
    const calls = samples.get(provider.key)?.calls ?? [];
    if (calls.length === 0) {
      estimated.add(provider.key);
      return provider.estimateUsd;
    }
    return percentile(calls.map((c) => (c.priced && provider.priceTokens ? provider.priceTokens(c.tokens) : c.usd)), p);
  };
  let costLowUsd = 0;
  let costHighUsd = 0;
  for (const task of setup.tasks) {
    const implementer = setup.implementerOf(task.role);
    const critic = setup.criticOf(task.role);
    costLowUsd += attempts.low * (callUsd(implementer, history.attempts, 50) + callUsd(critic, history.reviews, 50));
    costHighUsd += attempts.high * (callUsd(implementer, history.attempts, 90) + callUsd(critic, history.reviews, 90));
  }
  const durations = taskDurations(setup, history, attempts.low);
  const path = criticalPath(setup.tasks, durations?.total ?? null);
  return {
    tasks: setup.tasks.length,
    criticalPath: path.ids,
    criticalPathMs: durations ? path.length : null,
    wallMs: durations ? listSchedule(setup, durations) : null,
    costLowUsd,
    costHighUsd,
    attempts,
    historyRuns: history.runs,
    estimated: [...estimated].sort(),
  };
}

interface Durations {
  total: Map<string, number>;
  /** The part of a task that holds its role (the agent's attempts). */
  agent: Map<string, number>;
}

/** Expected ms per task, or null when some implementer's provider has no recorded attempt. */
function taskDurations(setup: ForecastSetup, history: History, attempts: number): Durations | null {
  const median = (samples: readonly number[]): number => (samples.length === 0 ? 0 : percentile(samples, 50));
  const gate = median(history.gateMs);
  const merge = median(history.mergeMs);
  const total = new Map<string, number>();
  const agent = new Map<string, number>();
  for (const task of setup.tasks) {
    const samples = history.attempts.get(setup.implementerOf(task.role).key)?.durationsMs ?? [];
    if (samples.length === 0) return null;
    const critic = setup.criticOf(task.role);
    const review = critic ? median(history.reviews.get(critic.key)?.durationsMs ?? []) : 0;
    agent.set(task.id, attempts * median(samples));
    total.set(task.id, attempts * (median(samples) + gate + review) + merge);
  }
  return { total, agent };
}

/** The longest chain of dependencies, by duration (or by task count without durations). */
export function criticalPath(tasks: readonly ForecastTask[], durations: ReadonlyMap<string, number> | null): { ids: string[]; length: number } {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const best = new Map<string, { length: number; previous: string | null }>();
  const visit = (id: string, seen: Set<string>): number => {
    const known = best.get(id);
    if (known) return known.length;
    const task = byId.get(id);
    if (!task || seen.has(id)) return 0;
    seen.add(id);
    let previous: string | null = null;
    let before = 0;
    for (const dep of task.dependsOn) {
      const length = visit(dep, seen);
      if (length > before) {
        before = length;
        previous = dep;
      }
    }
    const length = before + (durations?.get(id) ?? 1);
    best.set(id, { length, previous });
    return length;
  };
  let end: string | null = null;
  let longest = 0;
  for (const task of tasks) {
    const length = visit(task.id, new Set());
    if (length > longest) {
      longest = length;
      end = task.id;
    }
  }
  const ids: string[] = [];
  for (let at = end; at !== null; at = best.get(at)?.previous ?? null) ids.unshift(at);
  return { ids, length: longest };
}

/** Simulated makespan: tallest chain first, maxParallel slots, role concurrency during the agent part, scope leases. */
function listSchedule(setup: ForecastSetup, durations: Durations): number {
  const tasks = setup.tasks;
  const ids = new Set(tasks.map((t) => t.id));
  const height = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const t of tasks) {
    for (const d of t.dependsOn) {
      const list = dependents.get(d);
      if (list) list.push(t.id);
      else dependents.set(d, [t.id]);
    }
  }
  const heightOf = (id: string, seen = new Set<string>()): number => {
    if (height.has(id)) return height.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const h = durations.total.get(id)! + Math.max(0, ...(dependents.get(id) ?? []).map((d) => heightOf(d, seen)));
    height.set(id, h);
    return h;
  };
  const order = [...tasks].sort((a, b) => heightOf(b.id) - heightOf(a.id));
  const done = new Set<string>();
  const running: { task: ForecastTask; end: number; agentEnd: number }[] = [];
  const started = new Set<string>();
  let now = 0;
  while (done.size < tasks.length) {
    for (const task of order) {
      if (running.length >= setup.maxParallel) break;
      if (started.has(task.id) || !task.dependsOn.every((d) => done.has(d) || !ids.has(d))) continue;
      const roleBusy = running.filter((r) => r.task.role === task.role && r.agentEnd > now).length;
      if (roleBusy >= (setup.roleConcurrency[task.role] ?? 1)) continue;
      if (task.files?.length && running.some((r) => r.task.files?.length && scopeListsOverlap(r.task.files, task.files!))) continue;
      started.add(task.id);
      running.push({ task, end: now + durations.total.get(task.id)!, agentEnd: now + durations.agent.get(task.id)! });
    }
    if (running.length === 0) break; // a cycle or a missing dependency: the rest can never start
    const next = Math.min(...running.map((r) => (r.agentEnd > now ? Math.min(r.end, r.agentEnd) : r.end)));
    now = next;
    for (let i = running.length - 1; i >= 0; i--) {
      if (running[i]!.end <= now) {
        done.add(running[i]!.task.id);
        running.splice(i, 1);
      }
    }
  }
  return now;
}
