/**
 * OpenAI Codex adapter (`codex exec --json`, pinned 0.169.0; research/providers.md §3). codex has
 * no `--full-auto` (removed, exit 2) and no `--effort` (never existed, exit 2): effort is a config
 * override, edits are a sandbox mode. It blocks until stdin EOF, so stdin is /dev/null or a
 * written-and-closed prompt.
 */
import type { ProviderConfig } from '../../protocol/index.js';
import { agentEnv, fitsInArgv, withRolePrompt } from './build-helpers.js';
import { parseCodex } from './codex-parse.js';
import type { Invocation, InvocationContext, ProviderAdapter } from './types.js';

type Effort = NonNullable<ProviderConfig['effort']>;

/** OpenAI's reasoning efforts stop at xhigh. */
const EFFORT: Record<Effort, string> = { minimal: 'minimal', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'xhigh' };

function sandboxArgs(ctx: InvocationContext): string[] {
  if (ctx.purpose !== 'implement') return ['--sandbox', 'read-only'];
  // exec never asks for approval; workspace-write lets it edit the worktree, nothing outside it, and
  // run any command inside that sandbox, so the project's own commands need no allow-list (there is no flag for one)
  return ctx.provider.config.yolo ? ['--dangerously-bypass-approvals-and-sandbox'] : ['--sandbox', 'workspace-write'];
}

function build(ctx: InvocationContext): Invocation {
  const config = ctx.provider.config;
  const prompt = withRolePrompt(ctx);
  const viaArgv = fitsInArgv(prompt);
  const args = [
    'exec', '--json', '--skip-git-repo-check', '-C', ctx.workdir,
    ...(config.model ? ['-m', config.model] : []),
    ...(config.effort ? ['-c', `model_reasoning_effort=${EFFORT[config.effort]}`] : []),
    ...sandboxArgs(ctx),
    ...config.args,
    // `-` = read the prompt from stdin, which we write and close
    viaArgv ? prompt : '-',
  ];
  return { command: config.command ?? 'codex', args, env: agentEnv(ctx), cwd: ctx.workdir, stdin: viaArgv ? null : { text: prompt } };
}

export const codexAdapter: ProviderAdapter = { type: 'codex', build, parse: parseCodex };
