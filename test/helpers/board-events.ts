/** Board events for pure tests: drafts stamped as the board actor would, with times a test chooses. */
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';

/** A draft, or a draft with the epoch ms it was appended at. */
export type TimedDraft = BoardEventDraft | [number, BoardEventDraft];

/** Stamps v, seq and ts; untimed drafts are 1 ms after the previous event. */
export function stamp(drafts: TimedDraft[], firstSeq = 1): BoardEvent[] {
  let ts = 0;
  return drafts.map((item, i) => {
    const [at, draft] = Array.isArray(item) ? item : [ts + 1, item];
    ts = at;
    return { ...draft, v: 1, seq: firstSeq + i, ts } as BoardEvent;
  });
}

export const runStarted = (o: { roles?: string[]; budgetUsd?: number | null; maxParallel?: number; runId?: string } = {}): BoardEventDraft => ({
  type: 'run.started', runId: o.runId ?? 'r1', goal: 'build it', mode: 'dry-run', configHash: 'h', configFile: '/x/loop.config.yaml',
  pid: 1, roles: o.roles ?? ['backend', 'frontend', 'qa'], budgetUsd: o.budgetUsd ?? null, maxParallel: o.maxParallel ?? 2,
});

export const created = (taskId: string, role = 'backend', dependsOn: string[] = []): BoardEventDraft => ({
  type: 'task.created', taskId, title: `Task ${taskId}`, role, dependsOn, acceptance: ['works'],
});

/** A task from ready through merged; `at` is the dispatch time, `ms` how long until the merge. */
export function mergedTask(taskId: string, role: string, at: number, ms: number, usd = 0): TimedDraft[] {
  return [
    [at, { type: 'task.ready', taskId }],
    [at, { type: 'task.dispatched', taskId, role, attempt: 1 }],
    [at, { type: 'attempt.started', taskId, attempt: 1, role, provider: 'sim', providerType: 'sim' }],
    [at + ms / 2, { type: 'attempt.finished', taskId, attempt: 1, outcome: 'ok', summary: 'done', durationMs: ms / 2, usd }],
    [at + ms / 2, { type: 'gate.passed', taskId, attempt: 1, tests: 'passed', summary: 'tests passed (npm test)', durationMs: 1 }],
    [at + ms / 2, { type: 'review.started', taskId, attempt: 1, critic: 'qa', provider: 'sim-critic' }],
    [at + ms / 2, { type: 'review.accepted', taskId, attempt: 1, critic: 'qa', reasons: ['fine'], notes: [] }],
    [at + ms, { type: 'task.merged', taskId, attempt: 1, sha: 'abcdef1234' }],
  ];
}

/** A task dispatched at `at` whose agent is still working. */
export function runningTask(taskId: string, role: string, at: number, attempt = 1): TimedDraft[] {
  return [
    [at, { type: 'task.ready', taskId }],
    [at, { type: 'task.dispatched', taskId, role, attempt }],
    [at, { type: 'attempt.started', taskId, attempt, role, provider: 'sim', providerType: 'sim' }],
  ];
}
