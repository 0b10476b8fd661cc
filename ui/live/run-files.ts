/**
 * The files of one run that the dashboard and monitor read (DESIGN §4): the board and the attempt
 * logs `logs/<task>.<attempt>.log` (agent), `.gate.log`, `.review.log`, `.merge.log`.
 */
import { join } from 'node:path';
import type { LogKind } from '../model/attention.js';

export interface RunFiles {
  dir: string;
  events: string;
  logs: string;
  runJson: string;
}

const SUFFIX: Record<LogKind, string> = { agent: '.log', gate: '.gate.log', review: '.review.log', merge: '.merge.log' };

export function logFileName(taskId: string, attempt: number, kind: LogKind): string {
  return `${taskId}.${attempt}${SUFFIX[kind]}`;
}

export function logPath(files: RunFiles, taskId: string, attempt: number, kind: LogKind): string {
  return join(files.logs, logFileName(taskId, attempt, kind));
}

/** The inverse of logFileName; null for other files (actor logs, plan.log). */
export function parseLogFileName(name: string): { taskId: string; attempt: number; kind: LogKind } | null {
  const match = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.(\d+)(\.(gate|review|merge))?\.log$/.exec(name);
  if (!match) return null;
  return { taskId: match[1]!, attempt: Number(match[2]), kind: (match[4] as LogKind | undefined) ?? 'agent' };
}
