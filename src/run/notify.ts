/**
 * Needs-attention notifications: when a task escalates, the budget is reached or the run ends, the
 * terminal bell rings (here and in the viewport panes), a desktop notification is sent when
 * `notify-send` (Linux) or `osascript` (macOS) exists, and `loop.notify.command` runs with the
 * event as JSON on stdin (a Slack webhook through curl, a pager…). A notification never holds up
 * or fails the run: its problems are one line each.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoardEvent, NotifySettings } from '../../protocol/index.js';
import { findExecutable } from '../auth/executable.js';
import type { RunView } from '../board/view.js';
import { exec } from '../util/exec.js';

const NOTIFY_TIMEOUT_MS = 30_000;

/** What `notify.command` receives on stdin (one JSON object). */
export interface Attention {
  event: 'task.escalated' | 'budget.exhausted' | 'run.finished';
  runId: string;
  title: string;
  message: string;
  taskId?: string;
  role?: string;
  status?: string;
  exitCode?: number;
  spentUsd: number;
  budgetUsd: number | null;
  at: string;
}

/** The notification a board event deserves, if any (pure). */
export function attentionFor(event: BoardEvent, view: RunView): Attention | null {
  const base = { runId: view.runId ?? '', spentUsd: view.spend.totalUsd, budgetUsd: view.budgetUsd, at: new Date(event.ts).toISOString() };
  switch (event.type) {
    case 'task.escalated': {
      const task = view.tasks[event.taskId];
      return { ...base, event: event.type, title: `loop: ${event.taskId} needs you`, message: `${task ? `${task.title} (${task.role}): ` : ''}${event.reason}`, taskId: event.taskId, ...(task ? { role: task.role } : {}) };
    }
    case 'budget.exhausted':
      return { ...base, event: event.type, title: `loop: budget reached in run ${base.runId}`, message: `$${event.spentUsd.toFixed(2)} spent of $${event.budgetUsd.toFixed(2)}; not started: ${event.unstarted.join(', ') || 'none'}` };
    case 'run.finished':
      return { ...base, event: event.type, title: `loop: run ${base.runId} ${event.status}`, message: event.reason, status: event.status, exitCode: event.exitCode };
    default:
      return null;
  }
}

export class Notifier {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly o: {
    settings: NotifySettings;
    /** The terminal running the supervisor (rung when it is one). */
    terminal: NodeJS.WritableStream;
    /** A detached supervisor: someone will look, though there is no terminal now. */
    detached: boolean;
    logsDir: string;
    cwd: string;
    say: (line: string) => void;
    env?: NodeJS.ProcessEnv;
  }) {}

  event(event: BoardEvent, view: RunView): void {
    const attention = attentionFor(event, view);
    if (attention === null) return;
    const terminal = Boolean((this.o.terminal as { isTTY?: boolean }).isTTY);
    if (this.o.settings.bell && terminal) this.o.terminal.write('\u0007');
    const desktop = this.o.settings.desktop;
    if (desktop === true || (desktop === 'auto' && (terminal || this.o.detached))) this.#track(this.#desktop(attention));
    if (this.o.settings.command) this.#track(this.#command(this.o.settings.command, attention));
  }

  /** Waits for the notifications under way (the run's last one is sent before the process exits). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.o.say(`notify: ${error instanceof Error ? error.message : String(error)}`));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  async #desktop(a: Attention): Promise<void> {
    const env = this.o.env ?? process.env;
    if (findExecutable('notify-send', env)) {
      await exec('notify-send', ['--app-name=loop', a.title, a.message], { env, timeoutMs: NOTIFY_TIMEOUT_MS });
    } else if (process.platform === 'darwin' && findExecutable('osascript', env)) {
      const quoted = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      await exec('osascript', ['-e', `display notification ${quoted(a.message)} with title ${quoted(a.title)}`], { env, timeoutMs: NOTIFY_TIMEOUT_MS });
    }
  }

  async #command(command: string, a: Attention): Promise<void> {
    const result = await exec('sh', ['-c', command], { cwd: this.o.cwd, env: this.o.env ?? process.env, input: `${JSON.stringify(a)}\n`, timeoutMs: NOTIFY_TIMEOUT_MS });
    const log = join(this.o.logsDir, 'notify.log');
    appendFileSync(log, `$ ${command}   (${a.event}, ${a.at})\n${result.stdout}${result.stderr}[exit ${result.code ?? result.signal}${result.timedOut ? ', timed out' : ''}]\n`);
    if (result.code !== 0) this.o.say(`notify: loop.notify.command failed on ${a.event} (${result.timedOut ? 'timed out' : `exit ${result.code ?? result.signal}`}); its output is in ${log}`);
  }
}
