/**
 * Finds a CLI the way the caller's shell would: by walking `$PATH` ourselves. A login shell
 * (`bash -lc 'command -v x'`, as the product we replace did) resets PATH on Debian and Ubuntu and
 * misses CLIs installed under nvm or ~/.npm-global.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { exec } from '../util/exec.js';

export const VERSION_TIMEOUT_MS = 5_000;

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `command`, or null. A command with a `/` is taken as a path (relative to `cwd`). */
export function findExecutable(command: string, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string | null {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutableFile(path) ? path : null;
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** First line of `<path> --version` (stdin closed, 5 s deadline), or null when it does not answer. */
export async function probeVersion(path: string, env: NodeJS.ProcessEnv, timeoutMs = VERSION_TIMEOUT_MS): Promise<string | null> {
  try {
    const result = await exec(path, ['--version'], { env, timeoutMs });
    if (result.timedOut) return null;
    const line = `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
    return line === undefined ? null : line.slice(0, 100);
  } catch {
    return null; // not startable (bad interpreter, permissions): reported as "no version"
  }
}
