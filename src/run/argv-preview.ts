/**
 * Dry-run's promise: for each role, the exact command line its real provider would be given,
 * built by the same adapter an `--execute` run uses. The prompt text is shown as `$(cat FILE)`
 * of the prompt file loop writes, so the line can be pasted into a shell.
 */
import { join, relative } from 'node:path';
import type { RoleConfig } from '../../protocol/index.js';
import { plannerRole, providerOf } from '../config/team.js';
import { learnProject } from '../learn/learn.js';
import { adapterFor } from '../providers/types.js';
import { shellQuote } from '../util/shell-quote.js';
import { agentCommands, gateTestCommand } from './agent-commands.js';
import type { RunContext } from './run-context.js';

export function argvPreview(options: {
  role: RoleConfig;
  config: Parameters<typeof providerOf>[0];
  purpose: 'implement' | 'review' | 'plan';
  promptFile: string;
  systemPromptFile: string;
  cwd: string;
  /** The repository's own commands an implementer may run (its CLI's allow-list). */
  allowedCommands?: readonly string[];
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
    ...(options.allowedCommands ? { allowedCommands: options.allowedCommands } : {}),
  });
  const show = (file: string): string => relative(options.cwd, file) || file;
  const quoted = [invocation.command, ...invocation.args].map((arg) =>
    arg.includes(marker) ? arg.split(marker).map((part) => (part ? shellQuote(part) : '')).join(`"$(cat ${show(options.promptFile)})"`) : shellQuote(arg),
  );
  const stdin = invocation.stdin ? ` < ${show(options.promptFile)}` : '';
  return `${quoted.join(' ')}${stdin}`;
}

/**
 * After planning a dry-run: the command line of each role's first task, and of the planner. The
 * implementers' allow-lists come from learning the task's repository, as an executed run would.
 */
export async function printArgvPreview(rt: RunContext, say: (line: string) => void): Promise<void> {
  const firstTask = new Map<string, string>();
  for (const id of rt.board.view.order) {
    const role = rt.board.view.tasks[id]!.role;
    if (!firstTask.has(role)) firstTask.set(role, id);
  }
  const commandsByRepo = new Map<string, string[]>();
  const commandsOf = async (repoName: string | undefined): Promise<string[]> => {
    const repo = rt.loaded.repositories.find((r) => r.name === repoName);
    if (!repo) return [];
    if (!commandsByRepo.has(repo.name)) {
      const intelligence = await learnProject(repo.path);
      commandsByRepo.set(repo.name, agentCommands(gateTestCommand(repo, rt.config, intelligence), intelligence).map((found) => found.command));
    }
    return commandsByRepo.get(repo.name)!;
  };
  say('command lines the real providers would get (this dry-run uses the built-in sim agent instead):');
  for (const [roleName, taskId] of firstTask) {
    const role = rt.config.roles.find((r) => r.name === roleName)!;
    const repoName = rt.board.view.tasks[taskId]!.repo ?? role.repositories[0] ?? rt.loaded.repositories[0]?.name;
    const real = providerOf(rt.config, role).config.type !== 'sim';
    const line = argvPreview({
      role, config: rt.config, purpose: 'implement', cwd: rt.loaded.dir,
      promptFile: join(rt.paths.prompts, `${taskId}.1.md`), systemPromptFile: rt.systemPrompts.get(roleName)!,
      ...(real ? { allowedCommands: await commandsOf(repoName) } : {}),
    });
    say(`  ${roleName}: ${line}`);
  }
  const planner = plannerRole(rt.config);
  if (planner) {
    say(`  ${planner.name} (planner): ${argvPreview({ role: planner, config: rt.config, purpose: 'plan', cwd: rt.loaded.dir, promptFile: join(rt.paths.prompts, 'plan.1.md'), systemPromptFile: rt.systemPrompts.get(`${planner.name}.planner`)! })}`);
  }
}
