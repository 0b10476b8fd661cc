/**
 * The interactive (TUI) command line of a provider, for a person at a terminal: `loop attach
 * --takeover` (the role's attempt, driven by the user) and `loop start --execute` (the manual
 * mode). The role prompt is loaded, never just named: claude gets it as its system prompt file,
 * codex and gemini as the opening prompt. A takeover after the agent's own attempt resumes the
 * agent's session (claude `--resume <id>`, codex `resume <id>`, gemini `--resume latest` in the
 * same worktree). `command`, `custom` and `sim` providers have no TUI: the user gets a shell in the
 * worktree with the prompt printed.
 */
import { readFileSync } from 'node:fs';
import type { ProviderSpec } from '../../protocol/index.js';
import { absolute, fitsInArgv } from './build-helpers.js';
import { PERMISSION_MODE } from './claude.js';

export interface InteractiveContext {
  provider: ProviderSpec;
  /** The role's system prompt file. */
  systemPromptFile: string;
  /** What to start on (a task prompt); null = only the role prompt (`loop start`). */
  promptFile: string | null;
  workdir: string;
  /** The agent's session to continue, when the CLI can. */
  resume?: string | undefined;
}

export interface InteractiveCommand {
  argv: string[];
  /** Extra environment for the CLI (the provider's `env`). */
  env: Record<string, string>;
}

export function interactiveCommand(ctx: InteractiveContext): InteractiveCommand {
  const config = ctx.provider.config;
  const env = { ...config.env };
  switch (config.type) {
    case 'claude': {
      const permission = config.dangerouslySkipPermissions ? ['--dangerously-skip-permissions'] : ['--permission-mode', PERMISSION_MODE[config.permissionMode ?? 'acceptEdits']];
      const opening = ctx.resume !== undefined ? [] : ctx.promptFile === null ? [] : [openingText(ctx.promptFile, null)];
      return {
        argv: [
          config.command ?? 'claude', '--append-system-prompt-file', absolute(ctx.systemPromptFile),
          ...(config.model ? ['--model', config.model] : []), ...permission,
          ...(ctx.resume !== undefined ? ['--resume', ctx.resume] : []), ...config.args, ...opening,
        ],
        env,
      };
    }
    case 'codex': {
      const options = [
        '-C', ctx.workdir, ...(config.model ? ['-m', config.model] : []),
        ...(config.yolo ? ['--dangerously-bypass-approvals-and-sandbox'] : ['--sandbox', 'workspace-write']), ...config.args,
      ];
      if (ctx.resume !== undefined) return { argv: [config.command ?? 'codex', 'resume', ...options, ctx.resume], env };
      return { argv: [config.command ?? 'codex', ...options, openingText(ctx.promptFile, ctx.systemPromptFile)], env };
    }
    case 'gemini': {
      const options = ['--skip-trust', ...(config.model ? ['-m', config.model] : []), '--approval-mode', config.yolo ? 'yolo' : 'auto_edit', ...config.args];
      if (ctx.resume !== undefined) return { argv: [config.command ?? 'gemini', ...options, '--resume', 'latest'], env };
      return { argv: [config.command ?? 'gemini', ...options, '-i', openingText(ctx.promptFile, ctx.systemPromptFile)], env };
    }
    case 'command':
    case 'custom':
    case 'sim': {
      const files = [ctx.systemPromptFile, ...(ctx.promptFile ? [ctx.promptFile] : [])].map(absolute);
      const banner = `${config.type} providers have no interactive CLI: this is a shell in ${ctx.workdir}. The prompt is above (files: ${files.join(', ')}); exit the shell when you are done.`;
      return { argv: ['sh', '-c', 'cat "$@"; printf "\\n%s\\n" "$LOOP_BANNER"; exec "${SHELL:-sh}" -i', 'loop-shell', ...files], env: { ...env, LOOP_BANNER: banner } };
    }
  }
}

/**
 * The opening prompt, as text: codex and gemini have no system-prompt flag, so the role prompt
 * leads (as in the headless adapters). A prompt too long for one argv string is pointed at instead.
 */
function openingText(promptFile: string | null, systemPromptFile: string | null): string {
  const parts = [systemPromptFile, promptFile].filter((file): file is string => file !== null).map((file) => readFileSync(file, 'utf8').trim());
  const text = parts.join('\n\n---\n\n');
  if (fitsInArgv(text)) return text;
  return `Your instructions are in ${[systemPromptFile, promptFile].filter(Boolean).map((f) => absolute(f!)).join(' and ')}; read them first, then do the task.`;
}
