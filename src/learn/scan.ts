/**
 * Spreads the line count over worker threads with piscina: the paths are cut into chunks, each
 * chunk is one task, and progress is reported as chunks come back.
 */
import { availableParallelism } from 'node:os';
import { countLines, emptyCountResult, mergeCounts, type CountResult, type CountTask } from './count-lines.js';

/** Small enough for smooth progress and balanced threads, large enough that a task's ~60 µs overhead vanishes. */
const MIN_CHUNK = 200;
const MAX_CHUNK = 2_000;
const CHUNKS_PER_THREAD = 8;
/** More threads than cores only adds contention; the work is file I/O plus a byte scan. */
const MAX_THREADS = 8;

export interface ScanOptions {
  threads?: number;
  onChunk?: (done: number, total: number) => void;
}

export function chunkPaths(paths: readonly string[], threads: number): string[][] {
  const size = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil(paths.length / (threads * CHUNKS_PER_THREAD))));
  const chunks: string[][] = [];
  for (let start = 0; start < paths.length; start += size) chunks.push(paths.slice(start, start + size));
  return chunks;
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
}

export async function countRepository(root: string, paths: readonly string[], options: ScanOptions = {}): Promise<CountResult> {
  const requested = options.threads ?? defaultThreads();
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`threads must be a positive integer, got ${requested}`);
  const chunks = chunkPaths(paths, requested);
  const total = paths.length;
  const result = emptyCountResult();
  if (chunks.length === 0) return result;
  if (chunks.length === 1) {
    // One chunk (a small repository) is counted here: starting a worker thread takes longer than the count.
    mergeCounts(result, countLines({ root, paths: chunks[0]! }));
    options.onChunk?.(total, total);
    return result;
  }
  const threads = Math.min(requested, chunks.length);
  // loaded only for a repository big enough to need it (a `loop run` of a small one never starts it)
  const { Piscina } = await import('piscina');
  const pool = new Piscina<CountTask, CountResult>({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // A second task waits in each worker, so a busy main thread (reading manifests meanwhile)
    // does not leave a worker idle between chunks.
    concurrentTasksPerWorker: 2,
  });
  let done = 0;
  try {
    await Promise.all(
      chunks.map(async (chunk) => {
        mergeCounts(result, await pool.run({ root, paths: chunk }));
        done += chunk.length;
        options.onChunk?.(done, total);
      }),
    );
  } finally {
    await pool.destroy();
  }
  return result;
}
