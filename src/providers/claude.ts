/**
 * Claude Code adapter (`claude -p`, pinned 2.1.331; research/providers.md §2). Every flag emitted
 * here is in the pinned help text or the short list of known hidden flags that the static argv
 * test allows (`--append-system-prompt-file`).
 */
import type { ProviderConfig } from '../../protocol/index.js';
import { absolute, agentEnv, fitsInArgv, isRoot } from './build-helpers.js';
import { claudeBashRules } from './allow-list.js';
import { parseClaude } from './claude-parse.js';
import type { Invocation, InvocationContext, ProviderAdapter } from './types.js';

type Effort = NonNullable<ProviderConfig['effort']>;
type PermissionMode = NonNullable<ProviderConfig['permissionMode']>;

/** claude's `--effort` choices are low…max; it has no `minimal`. */
const EFFORT: Record<Effort, string> = { minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'max' };

/** 2.1.331 renamed the `default` permission mode to `manual`; `default` is refused as an invalid choice. */
export const PERMISSION_MODE: Record<PermissionMode, string> = {
  acceptEdits: 'acceptEdits', bypassPermissions: 'bypassPermissions', default: 'manual', manual: 'manual', plan: 'plan', auto: 'auto', dontAsk: 'dontAsk',
};

/**
 * Reviewers and planners run in `dontAsk`: read-only tools need no approval and everything else is
 * refused without a prompt. (`plan` mode is also read-only, but it steers the model into ending with
 * an ExitPlanMode call, which `-p` refuses, instead of the verdict or plan text we need.)
 */
const READ_ONLY_MODE = 'dontAsk';

/**
 * The project's own commands become Bash allow rules for an implementer that does not bypass
 * permissions anyway (`acceptEdits` accepts edits, not shell commands). `--allowedTools` takes a
 * list, so it goes right before `--permission-mode`, which ends the list.
 */
function permissionArgs(ctx: InvocationContext): { args: string[]; bypass: boolean } {
  const config = ctx.provider.config;
  if (ctx.purpose !== 'implement') return { args: ['--permission-mode', READ_ONLY_MODE], bypass: false };
  if (config.dangerouslySkipPermissions) return { args: ['--dangerously-skip-permissions'], bypass: true };
  const mode = PERMISSION_MODE[config.permissionMode ?? 'acceptEdits'];
  const bypass = mode === 'bypassPermissions';
  const rules = bypass ? [] : claudeBashRules(ctx.allowedCommands ?? []).rules;
  return { args: [...(rules.length > 0 ? ['--allowedTools', ...rules] : []), '--permission-mode', mode], bypass };
}

function build(ctx: InvocationContext): Invocation {
  const config = ctx.provider.config;
  const viaArgv = fitsInArgv(ctx.prompt);
  const permission = permissionArgs(ctx);
  const args = [
    '-p',
    ...(viaArgv ? [ctx.prompt] : []),
    // stream-json puts tool calls and api_retry lines in the transcript as they happen; it needs --verbose
    '--output-format', 'stream-json', '--verbose',
    '--append-system-prompt-file', absolute(ctx.systemPromptFile),
    ...(config.model ? ['--model', config.model] : []),
    ...(config.effort ? ['--effort', EFFORT[config.effort]] : []),
    ...permission.args,
    ...(ctx.sessionId ? ['--session-id', ctx.sessionId] : []),
    ...config.args,
  ];
  // As root, claude refuses to bypass permissions unless IS_SANDBOX is exactly "1" ("yes" is refused).
  const extraEnv: Record<string, string> = permission.bypass && isRoot() ? { IS_SANDBOX: '1' } : {};
  return {
    command: config.command ?? 'claude',
    args,
    env: agentEnv(ctx, extraEnv),
    cwd: ctx.workdir,
    stdin: viaArgv ? null : { text: ctx.prompt },
  };
}

export const claudeAdapter: ProviderAdapter = { type: 'claude', build, parse: parseClaude };
