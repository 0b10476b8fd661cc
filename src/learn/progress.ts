/**
 * Progress for long scans, for humans on stderr: silent for the first second (most scans end by
 * then), then at most one update per 250 ms — one line rewritten in place on a terminal, plain lines
 * otherwise (logs and CI). The clock is injected so the throttling is tested without sleeping.
 */
import type { LearnProgress } from './types.js';

export interface ProgressReporterOptions {
  write: (text: string) => void;
  isTTY: boolean;
  now?: () => number;
  /** Nothing is printed before this much time has passed. */
  quietMs?: number;
  /** Minimum time between two printed updates (~4 lines/s). */
  intervalMs?: number;
}

export interface ProgressReporter {
  update(progress: LearnProgress): void;
  /** Ends the in-place line on a terminal, if one was started. */
  finish(): void;
}

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? (() => performance.now());
  const quietMs = options.quietMs ?? 1_000;
  const intervalMs = options.intervalMs ?? 250;
  const startedAt = now();
  let lastPrintedAt: number | undefined;
  return {
    update(progress) {
      const at = now();
      if (at - startedAt < quietMs) return;
      if (lastPrintedAt !== undefined && at - lastPrintedAt < intervalMs) return;
      lastPrintedAt = at;
      const line = describeProgress(progress);
      options.write(options.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    },
    finish() {
      if (options.isTTY && lastPrintedAt !== undefined) options.write('\n');
    },
  };
}

export function describeProgress({ phase, done, total }: LearnProgress): string {
  if (total <= 1) return `loop learn: ${phase}…`;
  const percent = Math.floor((done / total) * 100);
  return `loop learn: ${phase} ${done}/${total} files (${percent}%)`;
}
