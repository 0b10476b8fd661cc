/**
 * What an implementing agent may run without asking: the repository's test command (the one the
 * gate runs: configured, else learned) and its learned build, lint and format commands, each with
 * the file that names it. Installing is the slot setup's job, not the agent's. Each provider turns
 * the list into its CLI's allow-list (src/providers/allow-list.ts); `loop validate` shows them.
 */
import type { LoopConfig, RoleConfig } from '../../protocol/index.js';
import type { ResolvedRepository } from '../config/load.js';
import { providerOf } from '../config/team.js';
import { learnProject } from '../learn/learn.js';
import type { FoundCommand, ProjectIntelligence } from '../learn/types.js';
import { describeAllowList } from '../providers/allow-list.js';
import { projectCommands } from './project-commands.js';
import { taskRoles } from './team.js';

/** The command the gate runs: the repository's or the loop's `testCommand`, else the learned one. */
export function gateTestCommand(repo: ResolvedRepository, config: LoopConfig, intelligence: ProjectIntelligence): string | null {
  return projectCommands(repo, config.loop, intelligence).test?.command ?? null;
}

export function agentCommands(testCommand: string | null, intelligence: Pick<ProjectIntelligence, 'commands'>): FoundCommand[] {
  const learned = intelligence.commands;
  const test: FoundCommand | null = testCommand === null ? null
    : learned.test?.command === testCommand ? learned.test : { command: testCommand, source: 'testCommand in the loop config' };
  const found: FoundCommand[] = [];
  for (const entry of [test, learned.build, learned.lint, learned.format]) {
    if (entry && !found.some((known) => known.command === entry.command)) found.push(entry);
  }
  return found;
}

export interface RepositoryAllowLists {
  repository: string;
  commands: FoundCommand[];
  /** One entry per provider the repository's implementing roles use. */
  providers: { provider: string; type: string; roles: string[]; allowList: string }[];
}

/** Learns each repository and says, per provider of the roles working in it, how its agents are allowed the commands. */
export async function allowListsOf(config: LoopConfig, repositories: readonly ResolvedRepository[]): Promise<RepositoryAllowLists[]> {
  const roles = taskRoles(config).filter((role) => providerOf(config, role).config.type !== 'sim');
  const reports: RepositoryAllowLists[] = [];
  for (const repo of repositories) {
    const working = roles.filter((role) => role.repositories.length === 0 || role.repositories.includes(repo.name));
    if (working.length === 0) continue;
    const intelligence = await learnProject(repo.path);
    const commands = agentCommands(gateTestCommand(repo, config, intelligence), intelligence);
    reports.push({ repository: repo.name, commands, providers: byProvider(config, working, commands.map((found) => found.command)) });
  }
  return reports;
}

function byProvider(config: LoopConfig, roles: RoleConfig[], commands: string[]): RepositoryAllowLists['providers'] {
  const providers = new Map<string, RepositoryAllowLists['providers'][number]>();
  for (const role of roles) {
    const { key, config: provider } = providerOf(config, role);
    const entry = providers.get(key) ?? { provider: key, type: provider.type, roles: [], allowList: describeAllowList(provider, commands) };
    entry.roles.push(role.name);
    providers.set(key, entry);
  }
  return [...providers.values()];
}

/** The report as lines for a terminal: per repository its commands with their sources, then each provider's allow-list. */
export function allowListLines(reports: readonly RepositoryAllowLists[]): string[] {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`agents working in ${report.repository} may run without asking:`);
    const width = Math.max(0, ...report.commands.map((found) => found.command.length));
    for (const found of report.commands) lines.push(`  ${found.command.padEnd(width)}  from ${found.source}`);
    if (report.commands.length === 0) lines.push('  nothing: no test, build, lint or format command found (set testCommand in the config)');
    for (const entry of report.providers) {
      lines.push(`  ${entry.provider} (${entry.roles.length === 1 ? 'role' : 'roles'} ${entry.roles.join(', ')}): ${entry.allowList}`);
    }
  }
  return lines;
}
