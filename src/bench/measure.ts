/**
 * What one bench run measured, read from its board (pure): makespan against the critical-path
 * bound, throughput, suite runs per merged task, and the time of each stage of each attempt.
 *
 * Stages, from board timestamps: slot (dispatched → agent started: slot re-point, prompt),
 * agent (started → finished), gate (finished → its tests' verdict, or → the capture when its tests
 * run only in its merge train), critic (review started → verdict), merge (accepted → merged). A
 * task's wait in the merge queue is how long after its acceptance the train that landed it left.
 */
import { percentile } from '../util/stats.js';

export interface BenchEvent {
  type: string;
  ts: number;
  taskId?: string;
  attempt?: number;
  durationMs?: number;
  [key: string]: unknown;
}

export interface StageFigure {
  p50: number;
  p99: number;
  n: number;
}

export const STAGES = ['slot', 'agent', 'gate', 'critic', 'merge', 'queue wait'] as const;
export type Stage = (typeof STAGES)[number];

export interface RunFigures {
  tasks: number;
  merged: number;
  makespanMs: number;
  /** No schedule beats the longest agent time, nor total agent time spread over the slots. */
  boundMs: number;
  ratio: number;
  tasksPerSecond: number;
  suiteRunsPerMergedTask: number;
  trains: TrainFigures;
  stages: Record<Stage, StageFigure>;
}

export interface TrainFigures {
  count: number;
  /** Changes per train, p50 and largest. */
  sizeP50: number;
  largest: number;
  /** Trains that found a culprit. */
  red: number;
  /** The largest train that landed every change it held. */
  largestGreen: number;
}

function trainFigures(trains: readonly BenchEvent[]): TrainFigures {
  const sizes = trains.map((t) => ((t['tasks'] as string[] | undefined) ?? []).length);
  const red = trains.filter((t) => ((t['culprits'] as string[] | undefined) ?? []).length > 0);
  const green = trains.filter((t) => !red.includes(t)).map((t) => ((t['tasks'] as string[] | undefined) ?? []).length);
  return { count: trains.length, sizeP50: percentile(sizes, 50), largest: Math.max(0, ...sizes), red: red.length, largestGreen: Math.max(0, ...green) };
}

export function measureRun(events: readonly BenchEvent[], parallel: number, suiteRuns: number): RunFigures {
  const samples: Record<Stage, number[]> = { slot: [], agent: [], gate: [], critic: [], merge: [], 'queue wait': [] };
  const at = new Map<string, number>();
  const key = (e: BenchEvent, type: string): string => `${type}\0${e.taskId}\0${e.attempt ?? ''}`;
  const since = (e: BenchEvent, type: string): number | null => {
    const start = at.get(key(e, type));
    return start === undefined ? null : e.ts - start;
  };
  const push = (stage: Stage, value: number | null): void => {
    if (value !== null) samples[stage].push(value);
  };
  const agentMs = new Map<string, number>();
  const firstDispatch: number[] = [];
  const mergedAt: number[] = [];
  const accepted: { taskId: string; ts: number }[] = [];
  const mergedTs = new Map<string, number>();
  const tasks = new Set<string>();
  for (const e of events) {
    if (e.taskId === undefined) continue;
    switch (e.type) {
      case 'task.created':
        tasks.add(e.taskId);
        break;
      case 'task.dispatched':
        if (firstDispatch.length === 0) firstDispatch.push(e.ts);
        at.set(key(e, 'dispatched'), e.ts);
        break;
      case 'attempt.started':
        push('slot', since(e, 'dispatched'));
        at.set(key(e, 'started'), e.ts);
        break;
      case 'attempt.finished':
        push('agent', since(e, 'started'));
        if (e.durationMs !== undefined) agentMs.set(e.taskId, (agentMs.get(e.taskId) ?? 0) + e.durationMs);
        at.set(key(e, 'finished'), e.ts);
        break;
      case 'gate.captured':
        if (e['tests'] !== 'slot') push('gate', since(e, 'finished'));
        break;
      case 'gate.passed':
      case 'gate.failed':
        push('gate', since(e, 'finished'));
        break;
      case 'review.started':
        at.set(key(e, 'review'), e.ts);
        break;
      case 'review.accepted':
        push('critic', since(e, 'review'));
        at.set(`accepted\0${e.taskId}`, e.ts);
        accepted.push({ taskId: e.taskId, ts: e.ts });
        break;
      case 'review.rejected':
        push('critic', since(e, 'review'));
        break;
      case 'task.merged': {
        const start = at.get(`accepted\0${e.taskId}`);
        if (start !== undefined) samples.merge.push(e.ts - start);
        mergedAt.push(e.ts);
        mergedTs.set(e.taskId, e.ts);
        break;
      }
      default:
        break;
    }
  }
  const trains = events.filter((e) => e.type === 'train.finished');
  const leftAt = new Map<string, number>();
  for (const train of trains) for (const id of (train['landed'] as string[] | undefined) ?? []) leftAt.set(id, train.ts - (train.durationMs ?? 0));
  for (const { taskId, ts } of accepted) {
    const left = leftAt.get(taskId);
    if (left !== undefined) samples['queue wait'].push(Math.max(0, left - ts));
  }
  const makespanMs = mergedAt.length === 0 ? 0 : Math.max(...mergedAt) - firstDispatch[0]!;
  const work = [...agentMs.values()];
  const boundMs = Math.max(0, ...work, work.reduce((a, b) => a + b, 0) / parallel);
  const stages = Object.fromEntries(STAGES.map((s) => [s, { p50: percentile(samples[s], 50), p99: percentile(samples[s], 99), n: samples[s].length }])) as Record<Stage, StageFigure>;
  return {
    tasks: tasks.size,
    merged: mergedAt.length,
    makespanMs,
    boundMs,
    ratio: boundMs > 0 ? makespanMs / boundMs : Number.NaN,
    tasksPerSecond: makespanMs > 0 ? mergedAt.length / (makespanMs / 1000) : Number.NaN,
    suiteRunsPerMergedTask: mergedAt.length > 0 ? suiteRuns / mergedAt.length : Number.NaN,
    trains: trainFigures(trains),
    stages,
  };
}

export interface Knee {
  parallel: number;
  reason: string;
}

/**
 * The knee of the throughput curve: the fewest slots that reach 90 % of the best throughput
 * measured. Past it, more slots buy little (or cost throughput), while each slot is a worktree and
 * an agent running at once. The reason is one sentence.
 */
export function recommend(points: readonly { parallel: number; tasksPerSecond: number }[]): Knee | null {
  const valid = points.filter((p) => Number.isFinite(p.tasksPerSecond) && p.tasksPerSecond > 0);
  if (valid.length === 0) return null;
  const rate = (p: { tasksPerSecond: number }): string => `${p.tasksPerSecond.toFixed(2)} tasks/s`;
  const slots = (n: number): string => `${n} slot${n === 1 ? '' : 's'}`;
  if (valid.length === 1) return { parallel: valid[0]!.parallel, reason: `only ${slots(valid[0]!.parallel)} was measured (${rate(valid[0]!)}); sweep more values of --parallel to find the knee` };
  const best = valid.reduce((a, b) => (b.tasksPerSecond > a.tasksPerSecond ? b : a));
  const knee = valid.find((p) => p.tasksPerSecond >= 0.9 * best.tasksPerSecond)!;
  const largest = valid[valid.length - 1]!;
  const percent = (a: number, b: number): number => Math.round((a / b - 1) * 100);
  if (knee === largest) {
    const before = valid[valid.length - 2]!;
    return { parallel: knee.parallel, reason: `throughput still grew from ${slots(before.parallel)} to ${knee.parallel} (${rate(before)} → ${rate(knee)}), so this machine may take more: try a larger --parallel` };
  }
  if (knee !== best) {
    return { parallel: knee.parallel, reason: `${slots(knee.parallel)} give ${rate(knee)}, ${Math.round((knee.tasksPerSecond / best.tasksPerSecond) * 100)} % of the best (${rate(best)} at ${best.parallel}): ${best.parallel - knee.parallel} more agents at once would add only ${percent(best.tasksPerSecond, knee.tasksPerSecond)} %` };
  }
  const after = valid.filter((p) => p.parallel > knee.parallel);
  const slower = after.every((p) => p.tasksPerSecond < knee.tasksPerSecond);
  return { parallel: knee.parallel, reason: `${slots(knee.parallel)} gave the best throughput (${rate(knee)}); more slots ${slower ? 'made it slower' : 'did not help'} (${after.map((p) => `${rate(p)} at ${p.parallel}`).join(', ')})` };
}
