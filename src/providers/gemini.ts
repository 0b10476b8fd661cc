/**
 * Gemini CLI adapter (`gemini -p`, pinned 0.61.0; research/providers.md §4). `--skip-trust` is
 * always passed: 0.61 refuses an untrusted cwd (exit 55) and silently downgrades yolo without it.
 */
import { absolute, agentEnv, fitsInArgv, withRolePrompt } from './build-helpers.js';
import { geminiPolicy, geminiPolicyPath } from './allow-list.js';
import { parseGemini } from './gemini-parse.js';
import type { Invocation, InvocationContext, ProviderAdapter } from './types.js';

/**
 * gemini puts non-TTY stdin before the `-p` text ("<stdin>\n\n<prompt>"), so a long prompt goes
 * through stdin and `-p` carries only this pointer to it.
 */
export const STDIN_PROMPT_POINTER = 'Follow the instructions above.';

/**
 * Headless `default` offers the model read-only tools only (no write, no shell), which is what a
 * reviewer or planner should have; `auto_edit` adds the edit tools; `yolo` adds the shell.
 */
function approvalMode(ctx: InvocationContext): string {
  if (ctx.purpose !== 'implement') return 'default';
  return ctx.provider.config.yolo ? 'yolo' : 'auto_edit';
}

/**
 * `auto_edit` offers the shell only for what a policy allows: the project's own commands, in a
 * policy file beside the prompt. `--policy` takes a list, so `--approval-mode` follows it.
 */
function policy(ctx: InvocationContext, mode: string): { path: string; text: string } | null {
  const commands = ctx.allowedCommands ?? [];
  if (ctx.purpose !== 'implement' || mode === 'yolo' || commands.length === 0) return null;
  return { path: geminiPolicyPath(absolute(ctx.promptFile)), text: geminiPolicy(commands) };
}

function build(ctx: InvocationContext): Invocation {
  const config = ctx.provider.config;
  const prompt = withRolePrompt(ctx);
  const viaArgv = fitsInArgv(prompt);
  const mode = approvalMode(ctx);
  const file = policy(ctx, mode);
  const args = [
    '-p', viaArgv ? prompt : STDIN_PROMPT_POINTER,
    '--output-format', 'stream-json',
    '--skip-trust',
    ...(config.model ? ['-m', config.model] : []),
    ...(file ? ['--policy', file.path] : []),
    '--approval-mode', mode,
    ...(ctx.sessionId ? ['--session-id', ctx.sessionId] : []),
    ...config.args,
  ];
  return {
    command: config.command ?? 'gemini', args, env: agentEnv(ctx), cwd: ctx.workdir, stdin: viaArgv ? null : { text: prompt },
    ...(file ? { files: [file] } : {}),
  };
}

export const geminiAdapter: ProviderAdapter = { type: 'gemini', build, parse: parseGemini };
