/** Shared by the config, auth, doctor and CLI tests: run the built `loop` binary, make fake CLIs. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { GIT_ENV, tempDir } from '../helpers/temp.js';

import { LOOP_BIN } from '../helpers/loop-cli.js';

export interface LoopResult { code: number | null; stdout: string; stderr: string }

/** Runs `loop <args>` as a real process; env replaces (not extends) the environment when given. */
export function runLoop(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): LoopResult {
  const env = options.env ?? { ...process.env, NO_COLOR: '1', ...GIT_ENV };
  const result = spawnSync(process.execPath, [LOOP_BIN, ...args], { cwd: options.cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Which git this machine has, so a PATH of fakes can still reach it. */
export function gitPath(): string {
  const result = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' });
  return result.stdout.trim();
}

/**
 * A bin folder with executable scripts (`{claude: 'echo 2.1.331'}` becomes `bin/claude` running
 * that shell text) plus a link to the real git.
 */
export function fakeBin(t: TestContext, scripts: Record<string, string>): string {
  const bin = join(tempDir(t, 'loop-bin-'), 'bin');
  mkdirSync(bin);
  for (const [name, body] of Object.entries(scripts)) {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  }
  symlinkSync(gitPath(), join(bin, 'git'));
  return bin;
}

/** A minimal environment: only what is given, plus a temp HOME and LOOP_HOME. */
export function isolatedEnv(t: TestContext, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const home = tempDir(t, 'loop-home-');
  return { HOME: home, LOOP_HOME: join(home, 'state'), NO_COLOR: '1', ...GIT_ENV, ...extra };
}
