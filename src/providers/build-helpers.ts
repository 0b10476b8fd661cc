/** Pieces every adapter's `build` shares: the agent's env, absolute paths, and where the prompt goes. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InvocationContext } from './types.js';

/**
 * Linux refuses a single argv string over MAX_ARG_STRLEN (128 KiB) with E2BIG. Longer prompts go
 * through stdin; the margin leaves room for multi-byte characters counted by the kernel in bytes.
 */
export const MAX_PROMPT_ARG_BYTES = 100_000;

/** `ctx.env` + the provider's `env` (+ `extra`), dropping unset values. */
export function agentEnv(ctx: InvocationContext, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...ctx.provider.config.env, ...extra };
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Paths handed to an agent must not depend on the agent's cwd (the worktree). */
export const absolute = (path: string): string => resolve(path);

/**
 * A prompt can be an argv string when it is short enough and cannot be mistaken for an option
 * (commander, clap and yargs all read a leading `-` as a flag).
 */
export function fitsInArgv(text: string): boolean {
  return !text.startsWith('-') && Buffer.byteLength(text, 'utf8') <= MAX_PROMPT_ARG_BYTES;
}

/**
 * codex and gemini have no system-prompt flag, so the role prompt goes at the top of the prompt
 * text (writing AGENTS.md/GEMINI.md into the worktree would get it committed with the work).
 */
export function withRolePrompt(ctx: InvocationContext): string {
  const role = readSystemPrompt(ctx).trim();
  return role === '' ? ctx.prompt : `${role}\n\n---\n\n${ctx.prompt}`;
}

function readSystemPrompt(ctx: InvocationContext): string {
  try {
    return readFileSync(ctx.systemPromptFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the system prompt of provider "${ctx.provider.key}" at ${ctx.systemPromptFile}`, { cause: error });
  }
}
