/**
 * Dry-run's promise: for each role, the exact command line its real provider would be given,
 * built by the same adapter an `--execute` run uses. The prompt text is shown as `$(cat FILE)`
 * of the prompt file loop writes, so the line can be pasted into a shell.
 */
import { relative } from 'node:path';
import type { RoleConfig } from '../../protocol/index.js';
import { providerOf } from '../config/team.js';
import { adapterFor } from '../providers/types.js';
import { join } from 'node:path';
import { plannerRole } from '../config/team.js';
import { shellQuote } from '../util/shell-quote.js';
import type { RunRuntime } from './runtime.js';

export function argvPreview(options: {
  role: RoleConfig;
  config: Parameters<typeof providerOf>[0];
  purpose: 'implement' | 'review' | 'plan';
  promptFile: string;
  systemPromptFile: string;
  cwd: string;
}): string {
  const provider = providerOf(options.config, options.role);
  if (provider.config.type === 'sim') return 'built-in sim agent (no command)';
  const marker = '\u0000PROMPT\u0000';
  const invocation = adapterFor(provider.config.type).build({
    provider,
    purpose: options.purpose,
    prompt: marker,
    promptFile: options.promptFile,
    systemPromptFile: options.systemPromptFile,
    workdir: '<worktree slot>',
    env: process.env,
  });
  const show = (file: string): string => relative(options.cwd, file) || file;
  const quoted = [invocation.command, ...invocation.args].map((arg) =>
    arg.includes(marker) ? arg.split(marker).map((part) => (part ? shellQuote(part) : '')).join(`"$(cat ${show(options.promptFile)})"`) : shellQuote(arg),
  );
  const stdin = invocation.stdin ? ` < ${show(options.promptFile)}` : '';
  return `${quoted.join(' ')}${stdin}`;
}

/** After planning a dry-run: the command line of each role's first task, and of the planner. */
export function printArgvPreview(rt: RunRuntime, say: (line: string) => void): void {
  const firstTask = new Map<string, string>();
  for (const id of rt.board.view.order) {
    const role = rt.board.view.tasks[id]!.role;
    if (!firstTask.has(role)) firstTask.set(role, id);
  }
  say('command lines the real providers would get (this dry-run uses the built-in sim agent instead):');
  for (const [roleName, taskId] of firstTask) {
    const role = rt.config.roles.find((r) => r.name === roleName)!;
    const line = argvPreview({
      role, config: rt.config, purpose: 'implement', cwd: rt.loaded.dir,
      promptFile: join(rt.paths.prompts, `${taskId}.1.md`), systemPromptFile: rt.systemPrompts.get(roleName)!,
    });
    say(`  ${roleName}: ${line}`);
  }
  const planner = plannerRole(rt.config);
  if (planner) {
    say(`  ${planner.name} (planner): ${argvPreview({ role: planner, config: rt.config, purpose: 'plan', cwd: rt.loaded.dir, promptFile: join(rt.paths.prompts, 'plan.1.md'), systemPromptFile: rt.systemPrompts.get(`${planner.name}.planner`)! })}`);
  }
}
