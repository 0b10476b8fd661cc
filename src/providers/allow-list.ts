/**
 * The project's own commands (its learned or configured test, build, lint and format commands)
 * as each agent CLI's allow-list, so an implementer in the safe default mode can run the tests it
 * is graded by without a bypass mode. Nothing broader is granted: each CLI splits compound
 * commands and checks every part, so `npm test && rm -rf ~` stays refused.
 *
 * - claude: `--allowedTools "Bash(npm test *)" …`; 2.1's wildcard rules match the command with
 *   or without more arguments (`npm test`, `npm test -- --grep x`).
 * - gemini: `--policy <file>`, a policy-engine file allowing `run_shell_command` for the commands
 *   as prefixes (`--allowed-tools` is deprecated in 0.61 in favour of it). The file is written
 *   beside the prompt, in the run folder, never in the worktree.
 * - codex: nothing to add: `exec` never asks, and `--sandbox workspace-write` runs every command
 *   inside the worktree sandbox (without network); codex 0.169 has no per-command allow flag.
 */
import { stringify } from 'smol-toml';
import type { ProviderConfig } from '../../protocol/index.js';
import { shellQuote } from '../util/shell-quote.js';

/**
 * The simple commands of a command line, split where a shell would run the next one (`&&`, `||`,
 * `;`, `|`, a newline) outside quotes and backslash escapes: `cd web && npm test` → `cd web`, `npm test`.
 */
export function commandParts(command: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === '\\' && quote !== "'") {
      current += c + (command[i + 1] ?? '');
      i += 1;
    } else if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ';' || c === '\n' || c === '|' || (c === '&' && command[i + 1] === '&')) {
      parts.push(current);
      current = '';
      if ((c === '&' || c === '|') && command[i + 1] === c) i += 1;
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function uniqueParts(commands: readonly string[]): string[] {
  return [...new Set(commands.flatMap(commandParts))];
}

export interface ClaudeRules {
  rules: string[];
  /** Parts a rule cannot express: claude's `--allowedTools` list splits on a space after a `)`. */
  skipped: string[];
}

/** `Bash(<part> *)` per command part (a `cd dir` part exactly), with `*` and `\` escaped as claude's rule matcher reads them. */
export function claudeBashRules(commands: readonly string[]): ClaudeRules {
  const rules: string[] = [];
  const skipped: string[] = [];
  for (const part of uniqueParts(commands)) {
    if (/[()]/.test(part)) {
      skipped.push(part);
      continue;
    }
    const escaped = part.replace(/\\/g, '\\\\').replace(/\*/g, '\\*');
    rules.push(/^cd\s/.test(part) ? `Bash(${escaped})` : `Bash(${escaped} *)`);
  }
  return { rules, skipped };
}

/** gemini's policy-engine rule: `commandPrefix` matches the part with or without more arguments (a word boundary follows). */
export function geminiPolicy(commands: readonly string[]): string {
  const rule = {
    toolName: 'run_shell_command',
    commandPrefix: uniqueParts(commands),
    decision: 'allow',
    priority: 100,
  };
  return `# Written by loop: the project's own commands, which an implementer may run without asking.\n${stringify({ rule: [rule] })}\n`;
}

/** Beside the prompt file (`prompts/t1.2.md` → `prompts/t1.2.gemini-policy.toml`): in the run folder, never in the worktree. */
export function geminiPolicyPath(promptFile: string): string {
  return `${promptFile.replace(/\.md$/, '')}.gemini-policy.toml`;
}

/** How a provider's CLI is told it may run the commands, in words and flags, for `loop validate`. */
export function describeAllowList(provider: ProviderConfig, commands: readonly string[]): string {
  switch (provider.type) {
    case 'claude': {
      if (provider.dangerouslySkipPermissions || provider.permissionMode === 'bypassPermissions') return 'bypasses permissions (set in the config): every command runs without a list';
      const { rules, skipped } = claudeBashRules(commands);
      const flags = rules.length > 0 ? `--allowedTools ${rules.map(shellQuote).join(' ')}` : 'no --allowedTools (no command to allow)';
      return skipped.length > 0 ? `${flags}; not expressible as a rule, so refused: ${skipped.join(', ')}` : flags;
    }
    case 'codex':
      return provider.yolo
        ? '--dangerously-bypass-approvals-and-sandbox (yolo in the config): every command runs'
        : 'nothing to add: `codex exec` never asks, and --sandbox workspace-write runs every command inside the worktree sandbox, without network (codex has no allow-list flag)';
    case 'gemini':
      return provider.yolo
        ? '--approval-mode yolo (set in the config): every command runs'
        : `--policy <run>/prompts/<task>.<attempt>.gemini-policy.toml allowing run_shell_command for: ${uniqueParts(commands).join(', ') || 'nothing'}`;
    case 'command':
    case 'custom':
      return "a custom agent CLI: loop cannot grant it commands; configure the CLI's own permissions";
    case 'sim':
      return 'the built-in sim agent runs no commands';
  }
}
