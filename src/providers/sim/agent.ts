/**
 * The built-in `sim` agent: free and deterministic. In dry-run it touches nothing; with
 * `--execute` it makes a small real change in its worktree (or carries out its task's script:
 * script.ts) so the gate, critic and merge queue run on real git. It writes its transcript as it
 * works. `hang` starts a real process group that never exits, so deadlines and
 * process-group kills are exercised for real; `crash` throws, so the actor really dies.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { AgentResult, SimConfig } from '../../../protocol/index.js';
import { isLiteralPath } from '../../util/glob.js';
import { behaviourFor, latencyFor } from './behaviour.js';
import { runStep, scriptFor, SimScriptError } from './script.js';
import { sleep } from '../../util/sleep.js';
import type { SimScript } from '../../../protocol/index.js';

export class SimCrash extends Error {
  override name = 'SimCrash';
}

export interface SimAttempt {
  sim: SimConfig;
  taskId: string;
  attempt: number;
  title: string;
  files: readonly string[] | undefined;
  /** null in dry-run: no file is touched. */
  workdir: string | null;
  signal: AbortSignal;
  /** Runs a process group that never exits until the deadline kills it (for `hang`). */
  hang: () => Promise<{ timedOut: boolean; durationMs: number; argv: string[] }>;
  /** A line of the agent's transcript, written as it works. */
  say?: (line: string) => void;
  /** Deadline of a scripted `run` step. */
  deadlineMs?: number;
}

const SIM_TOKENS = { input: 1200, output: 150 };

export async function runSimAgent(a: SimAttempt): Promise<AgentResult> {
  const started = Date.now();
  const behaviour = behaviourFor(a.sim, a.taskId, a.attempt);
  const base = { usd: a.sim.costUsd, tokens: SIM_TOKENS, exitCode: 0, signal: null, timedOut: false, argv: [] as string[], model: 'sim' };
  if (behaviour === 'hang') {
    const hung = await a.hang();
    return {
      ...base,
      ok: false,
      text: 'sim: the agent hung until its deadline',
      errorKind: 'timeout',
      exitCode: null,
      signal: 'SIGKILL',
      timedOut: hung.timedOut,
      durationMs: hung.durationMs,
      argv: hung.argv,
    };
  }
  const latencyMs = latencyFor(a.sim, `${a.taskId}#${a.attempt}`);
  const script = behaviour === 'ok' ? scriptFor(a.sim, a.taskId, a.title) : undefined;
  if (script) return runScript(a, script, latencyMs, base, started);
  a.say?.(`working on: ${a.title}`);
  await sleep(latencyMs, a.signal);
  if (a.signal.aborted) throw a.signal.reason;
  const durationMs = Date.now() - started;
  switch (behaviour) {
    case 'crash':
      throw new SimCrash(`sim: agent for ${a.taskId} crashed (configured behaviour: crash)`);
    case 'fail':
      return { ...base, ok: false, text: 'sim: simulated agent failure (exit 1)', errorKind: 'exit', exitCode: 1, durationMs };
    case 'garbage':
      return { ...base, ok: false, text: '\u0000<<sim garbage: no result object>>', errorKind: 'bad-output', durationMs };
    case 'no-changes':
      return { ...base, ok: true, text: `sim: looked at "${a.title}" and changed nothing`, durationMs };
    default: {
      const changed = a.workdir === null ? null : writeSimChange(a.workdir, a);
      const text = changed === null ? `sim: implemented "${a.title}"` : `sim: implemented "${a.title}" in ${changed}`;
      a.say?.(text);
      return { ...base, ok: true, text, durationMs };
    }
  }
}

/** A scripted attempt: its steps spread over the latency, so a pane watching it sees the work happen. */
async function runScript(a: SimAttempt, script: SimScript, latencyMs: number, base: Omit<AgentResult, 'ok' | 'text' | 'durationMs'>, started: number): Promise<AgentResult> {
  const pause = latencyMs / (script.steps.length + 1);
  const changed: string[] = [];
  let said: string | undefined;
  const say = (line: string): void => a.say?.(line);
  for (const step of script.steps) {
    await sleep(pause, a.signal);
    if (a.signal.aborted) throw a.signal.reason;
    try {
      const file = await runStep(step, { workdir: a.workdir, say, signal: a.signal, timeoutMs: a.deadlineMs ?? 600_000 });
      if (file !== null && !changed.includes(file)) changed.push(file);
    } catch (error) {
      if (!(error instanceof SimScriptError)) throw error;
      say(error.message);
      return { ...base, ok: false, text: error.message, errorKind: 'exit', exitCode: 1, durationMs: Date.now() - started };
    }
    if (step.say !== undefined) said = step.say;
  }
  await sleep(pause, a.signal);
  if (a.signal.aborted) throw a.signal.reason;
  const text = said ?? `sim: implemented "${a.title}"${changed.length > 0 ? ` in ${changed.join(', ')}` : ''}`;
  return { ...base, ok: true, text, durationMs: Date.now() - started };
}

const COMMENT_PREFIX: Record<string, string> = {
  '.js': '//', '.mjs': '//', '.cjs': '//', '.ts': '//', '.tsx': '//', '.jsx': '//', '.go': '//', '.rs': '//',
  '.java': '//', '.c': '//', '.h': '//', '.cpp': '//', '.css': '/*', '.py': '#', '.rb': '#', '.sh': '#',
  '.yaml': '#', '.yml': '#', '.toml': '#', '.md': '', '.txt': '',
};

/** Appends a note to the task's first literal file (when its syntax allows a comment), else writes `loop-sim/<task>.md`. */
function writeSimChange(workdir: string, a: SimAttempt): string {
  const line = `sim: ${a.title} (task ${a.taskId}, attempt ${a.attempt})`;
  const target = (a.files ?? []).find(isLiteralPath);
  const prefix = target === undefined ? undefined : COMMENT_PREFIX[extname(target)];
  if (target !== undefined && prefix !== undefined) {
    const path = join(workdir, target);
    mkdirSync(dirname(path), { recursive: true });
    const text = prefix === '/*' ? `/* ${line} */` : prefix === '' ? line : `${prefix} ${line}`;
    const needsNewline = existsSync(path) ? '\n' : '';
    appendFileSync(path, `${needsNewline}${text}\n`);
    return target;
  }
  const rel = join('loop-sim', `${a.taskId}.md`);
  mkdirSync(join(workdir, 'loop-sim'), { recursive: true });
  writeFileSync(join(workdir, rel), `# ${a.title}\n\nSimulated change for task ${a.taskId}, attempt ${a.attempt}.\n`);
  return rel;
}
