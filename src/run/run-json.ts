/** Reads and writes `.loop/runs/<run>/run.json` (atomically; a bad file reads as absent). */
import { existsSync, readFileSync } from 'node:fs';
import * as v from 'valibot';
import { RunJsonSchema, type RunJson } from '../../protocol/index.js';
import { writeFileAtomic } from '../util/fs.js';

export function readRunJson(file: string): RunJson | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = v.safeParse(RunJsonSchema, JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

export function writeRunJson(file: string, run: RunJson): void {
  writeFileAtomic(file, `${JSON.stringify(run, null, 2)}\n`);
}

/** A run whose run.json says running but whose supervisor pid is gone crashed (or was killed). */
export { isAlive } from '../util/process-alive.js';
