/**
 * Requests to a running supervisor from other `loop` processes, as files in
 * `.loop/runs/<run>/control/` (written atomically by the requester, removed once read):
 * `takeover-<role>.json` from `loop attach <role> --takeover`, `retry-<task>.json` from
 * `loop retry <task>`, `approve-plan.json` from `loop approve` (the dashboard's buttons write the
 * same files). The answer goes on the board. A request written while no supervisor runs waits in
 * the folder and is read when `loop resume` starts one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import {
  PlanApprovalSchema, RetryRequestSchema, TakeoverRequestSchema,
  type PlanApproval, type RetryRequest, type TakeoverRequest,
} from '../../protocol/index.js';
import { writeFileAtomic } from '../util/fs.js';
import { FALLBACK_POLL_MS } from '../util/follow-file.js';

export const controlDir = (runDir: string): string => join(runDir, 'control');

export function requestTakeover(runDir: string, role: string): void {
  const request: TakeoverRequest = { role, pid: process.pid, requestedAt: Date.now() };
  writeFileAtomic(join(controlDir(runDir), `takeover-${role}.json`), `${JSON.stringify(request)}\n`);
}

export function requestRetry(runDir: string, taskId: string, by: RetryRequest['by']): void {
  const request: RetryRequest = { taskId, by, pid: process.pid, requestedAt: Date.now() };
  writeFileAtomic(join(controlDir(runDir), `retry-${taskId}.json`), `${JSON.stringify(request)}\n`);
}

export function requestPlanApproval(runDir: string, by: PlanApproval['by']): void {
  const request: PlanApproval = { by, pid: process.pid, requestedAt: Date.now() };
  writeFileAtomic(join(controlDir(runDir), 'approve-plan.json'), `${JSON.stringify(request)}\n`);
}

export interface ControlHandlers {
  takeover(request: TakeoverRequest): void;
  retry(request: RetryRequest): void;
  approvePlan(request: PlanApproval): void;
}

/** Each request file kind: its name, its schema, and which handler takes it. */
const KINDS = [
  { name: /^takeover-.+\.json$/, schema: TakeoverRequestSchema, what: 'a takeover request', take: (h: ControlHandlers, r: unknown) => h.takeover(r as TakeoverRequest) },
  { name: /^retry-.+\.json$/, schema: RetryRequestSchema, what: 'a retry request', take: (h: ControlHandlers, r: unknown) => h.retry(r as RetryRequest) },
  { name: /^approve-plan\.json$/, schema: PlanApprovalSchema, what: 'a plan approval', take: (h: ControlHandlers, r: unknown) => h.approvePlan(r as PlanApproval) },
] as const;

/** Calls the handler of every request file, present and future, until the returned stop is called. */
export function watchControl(runDir: string, handlers: ControlHandlers, onProblem: (message: string) => void): () => void {
  const dir = controlDir(runDir);
  mkdirSync(dir, { recursive: true });
  const scan = (): void => {
    for (const name of readdirSync(dir)) {
      const kind = KINDS.find((k) => k.name.test(name));
      if (!kind) continue;
      const file = join(dir, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
        rmSync(file, { force: true });
      } catch {
        continue; // another scan took it
      }
      let parsed;
      try {
        parsed = v.safeParse(kind.schema, JSON.parse(text));
      } catch {
        parsed = null;
      }
      if (parsed?.success) kind.take(handlers, parsed.output);
      else onProblem(`${file}: not ${kind.what}; ignored`);
    }
  };
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    watcher = watch(dir, () => scan());
    watcher.on('error', () => {
      watcher?.close();
      timer ??= setInterval(scan, FALLBACK_POLL_MS);
    });
  } catch {
    timer = setInterval(scan, FALLBACK_POLL_MS);
  }
  if (existsSync(dir)) scan();
  return () => {
    watcher?.close();
    if (timer) clearInterval(timer);
  };
}
