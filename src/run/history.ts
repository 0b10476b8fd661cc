/**
 * What earlier `--execute` runs in this folder measured, for the forecast: per provider, how long
 * an attempt and a review took and what each call cost (tokens and dollars); per run, how long the
 * gate and the merge took and how many attempts a task needed. Read from their boards; a dry-run's
 * stand-in agents say nothing about the real ones, so dry-runs are left out.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { BoardEvent, EventOf, Tokens } from '../../protocol/index.js';
import { readBoard } from '../board/store.js';
import { runPaths, runsDir } from '../util/paths.js';
import { readRunJson } from './run-json.js';

export interface CallSample {
  usd: number;
  tokens: Tokens;
  /** The dollars came from tokens and a price table (codex, gemini), so they can be re-priced. */
  priced: boolean;
}

export interface ProviderSamples {
  /** Agent time per attempt (implementers) or review time (critics), ms. */
  durationsMs: number[];
  calls: CallSample[];
}

export interface History {
  runs: number;
  /** By provider key, per phase. */
  attempts: Map<string, ProviderSamples>;
  reviews: Map<string, ProviderSamples>;
  gateMs: number[];
  /** Accepted by the critic → merged (queue, merge, tests after merging). */
  mergeMs: number[];
  /** Attempts per task that ended (merged or escalated). */
  attemptsPerTask: number[];
}

export const emptyHistory = (): History => ({ runs: 0, attempts: new Map(), reviews: new Map(), gateMs: [], mergeMs: [], attemptsPerTask: [] });

const samplesOf = (map: Map<string, ProviderSamples>, key: string): ProviderSamples => {
  let found = map.get(key);
  if (!found) map.set(key, (found = { durationsMs: [], calls: [] }));
  return found;
};

/** Adds one run's board to `history` (pure). */
export function addRun(history: History, events: readonly BoardEvent[]): History {
  const attemptProvider = new Map<string, string>();
  const reviewStart = new Map<string, { provider: string; ts: number }>();
  const accepted = new Map<string, number>();
  const attempts = new Map<string, number>();
  const ended = new Set<string>();
  const key = (taskId: string, attempt: number): string => `${taskId}#${attempt}`;
  for (const e of events) {
    switch (e.type) {
      case 'attempt.started':
        attemptProvider.set(key(e.taskId, e.attempt), e.provider);
        attempts.set(e.taskId, Math.max(attempts.get(e.taskId) ?? 0, e.attempt));
        break;
      case 'attempt.finished': {
        const provider = attemptProvider.get(key(e.taskId, e.attempt));
        if (provider !== undefined && e.outcome !== 'interrupted') samplesOf(history.attempts, provider).durationsMs.push(e.durationMs);
        break;
      }
      case 'gate.passed':
        history.gateMs.push(e.durationMs);
        break;
      case 'review.started':
        if (e.critic !== 'none') reviewStart.set(key(e.taskId, e.attempt), { provider: e.provider, ts: e.ts });
        break;
      case 'review.accepted':
      case 'review.rejected': {
        const start = reviewStart.get(key(e.taskId, e.attempt));
        if (start) samplesOf(history.reviews, start.provider).durationsMs.push(e.ts - start.ts);
        if (e.type === 'review.accepted') accepted.set(e.taskId, e.ts);
        break;
      }
      case 'task.merged': {
        const at = accepted.get(e.taskId);
        if (at !== undefined) history.mergeMs.push(e.ts - at);
        ended.add(e.taskId);
        break;
      }
      case 'task.escalated':
        ended.add(e.taskId);
        break;
      case 'cost.recorded':
        if (e.phase !== 'plan') pushCall(history, e);
        break;
      default:
        break;
    }
  }
  for (const id of ended) if (attempts.has(id)) history.attemptsPerTask.push(attempts.get(id)!);
  history.runs += 1;
  return history;
}

function pushCall(history: History, e: EventOf<'cost.recorded'>): void {
  const map = e.phase === 'attempt' ? history.attempts : history.reviews;
  samplesOf(map, e.provider).calls.push({ usd: e.usd, tokens: e.tokens, priced: e.priced === true });
}

/** The latest `limit` finished or crashed `--execute` runs beside the config, other than `exceptRunId`. */
export function readHistory(configDir: string, exceptRunId: string, limit = 10): History {
  const dir = runsDir(configDir);
  const history = emptyHistory();
  if (!existsSync(dir)) return history;
  const runs = readdirSync(dir)
    .filter((id) => id !== exceptRunId)
    .map((id) => ({ id, run: readRunJson(runPaths(configDir, id).runJson) }))
    .filter((r) => r.run?.mode === 'execute')
    .sort((a, b) => (b.run!.startedAt ?? 0) - (a.run!.startedAt ?? 0))
    .slice(0, limit);
  for (const { id } of runs) addRun(history, readBoard(runPaths(configDir, id).events).events);
  return history;
}
