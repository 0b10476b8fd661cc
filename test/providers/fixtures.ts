/** Captured real CLI outputs (test/fixtures/providers/) and invocation contexts for provider tests. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import * as v from 'valibot';
import { ProviderSchema, type ProviderConfig } from '../../protocol/index.js';
import type { InvocationContext, Purpose, RawOutput } from '../../src/providers/types.js';
import { packageRoot } from '../../src/util/package-root.js';
import { tempDir } from '../helpers/temp.js';

export const fixturesDir = (): string => join(packageRoot(), 'test', 'fixtures', 'providers');

export function fixtureText(cli: string, name: string): string {
  return readFileSync(join(fixturesDir(), cli, name), 'utf8');
}

/** stdout-only fixtures (success-*, error-*, handmade-*) as the output of a process with this exit code. */
export function stdoutFixture(cli: string, name: string, exitCode = 0): RawOutput {
  return { stdout: fixtureText(cli, name), stderr: '', exitCode, signal: null, timedOut: false, durationMs: 100 };
}

/** mock-*, unauth-* and offline-* captures: header lines (`# exit_code: N`), then STDOUT and STDERR sections. */
export function captureFixture(cli: string, name: string): RawOutput {
  const text = fixtureText(cli, name);
  const exit = /^# exit_code: (\d+)/m.exec(text);
  if (!exit) throw new Error(`${cli}/${name}: no "# exit_code:" header`);
  const out = text.indexOf('===== STDOUT =====\n');
  const err = text.indexOf('===== STDERR =====\n');
  const stdout = text.slice(out + '===== STDOUT =====\n'.length, err).replace(/\n$/, '');
  const stderr = text.slice(err + '===== STDERR =====\n'.length);
  const exitCode = Number(exit[1]);
  // 124 is `timeout`'s code: the capture was killed by the deadline
  return { stdout, stderr, exitCode: exitCode === 124 ? null : exitCode, signal: exitCode === 124 ? 'SIGTERM' : null, timedOut: exitCode === 124, durationMs: 100 };
}

export function provider(config: Partial<v.InferInput<typeof ProviderSchema>> & { type: ProviderConfig['type'] }, key?: string): InvocationContext['provider'] {
  return { key: key ?? config.type, config: v.parse(ProviderSchema, config) };
}

export interface ContextOptions {
  purpose?: Purpose;
  prompt?: string;
  systemPrompt?: string;
  sessionId?: string;
  workdir?: string;
  env?: NodeJS.ProcessEnv;
  allowedCommands?: readonly string[];
}

/** A context for parsers, which read no files: nothing is written to disk. */
export function parseContext(config: Parameters<typeof provider>[0], purpose: Purpose = 'implement'): InvocationContext {
  return {
    provider: provider(config), purpose, prompt: '# Task t1', promptFile: '/nonexistent/prompt.md',
    systemPromptFile: '/nonexistent/system.md', workdir: '/nonexistent/worktree', env: {},
  };
}

/** A context with its prompt and system prompt written to a temp dir (removed after the test). */
export function contextFor(t: TestContext | null, config: Parameters<typeof provider>[0], options: ContextOptions = {}): InvocationContext {
  const dir = tempDir(t, 'loop-provider-');
  const prompt = options.prompt ?? '# Task t1: say hello\n\nSay hello.';
  const promptFile = join(dir, 'prompt.md');
  const systemPromptFile = join(dir, 'system.md');
  writeFileSync(promptFile, prompt);
  writeFileSync(systemPromptFile, options.systemPrompt ?? 'You are the backend engineer.');
  return {
    provider: provider(config),
    purpose: options.purpose ?? 'implement',
    prompt,
    promptFile,
    systemPromptFile,
    workdir: options.workdir ?? dir,
    env: options.env ?? { PATH: process.env.PATH },
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.allowedCommands ? { allowedCommands: options.allowedCommands } : {}),
  };
}
