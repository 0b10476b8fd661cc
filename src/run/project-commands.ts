/**
 * The setup and test commands a run will execute in a repository — configured per repository,
 * for every repository (`loop.setup`, `loop.testCommand`), or learned — with where each came from
 * and which keys override it, and the check that their programs exist on this machine. `loop
 * doctor` and `loop run --execute` run that check before anything is spent: a missing `uv` is one
 * line and exit 2, not a paid agent whose every attempt fails the gate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoopSettings } from '../../protocol/index.js';
import { findExecutable } from '../auth/executable.js';
import type { ResolvedRepository } from '../config/load.js';
import type { ProjectIntelligence } from '../learn/types.js';
import { commandPrograms } from '../util/shell-programs.js';

export type ProjectCommandKind = 'setup' | 'test';

export interface ProjectCommand {
  kind: ProjectCommandKind;
  command: string;
  /** Where it came from: `loop.testCommand`, `testCommand of repository api`, `learned from uv.lock`. */
  origin: string;
}

export interface ProjectCommands {
  setup: ProjectCommand | null;
  test: ProjectCommand | null;
}

const KEY: Record<ProjectCommandKind, 'setup' | 'testCommand'> = { setup: 'setup', test: 'testCommand' };

export function projectCommands(repo: ResolvedRepository, loop: Pick<LoopSettings, 'setup' | 'testCommand'>, intelligence: ProjectIntelligence): ProjectCommands {
  const pick = (kind: ProjectCommandKind, learned: { command: string; source: string } | null): ProjectCommand | null => {
    const key = KEY[kind];
    // A resolved repository carries loop.<key> when it sets none of its own.
    if (repo[key] !== undefined && repo[key] !== loop[key]) return { kind, command: repo[key]!, origin: `${key} of repository ${repo.name}` };
    if (loop[key] !== undefined) return { kind, command: loop[key]!, origin: `loop.${key}` };
    return learned === null ? null : { kind, command: learned.command, origin: `learned from ${learned.source}` };
  };
  const install = intelligence.commands.install;
  const setup = install ? slotSetup(repo.path, install.command) : null;
  return {
    setup: pick('setup', setup === null ? null : { command: setup, source: install!.source }),
    test: pick('test', intelligence.commands.test),
  };
}

/** The keys that override a repository's setup or test command, as a user would look for them. */
export function overrideKeys(kind: ProjectCommandKind, repo: ResolvedRepository): string {
  const key = KEY[kind];
  return repo.implicit ? `loop.${key}` : `loop.${key} (or ${key} under repository ${repo.name})`;
}

export interface MissingProgram {
  command: ProjectCommand;
  program: string;
}

/** Programs the commands start that are not on PATH (or, given as absolute paths, do not exist). */
export function missingPrograms(commands: ProjectCommands, env: NodeJS.ProcessEnv, cwd: string): MissingProgram[] {
  const missing: MissingProgram[] = [];
  for (const command of [commands.setup, commands.test]) {
    if (command === null) continue;
    for (const program of commandPrograms(command.command)) {
      if (findExecutable(program, env, cwd) === null) missing.push({ command, program });
    }
  }
  return missing;
}

/** One line: which command, which program, which keys override it. */
export function describeMissing(repo: ResolvedRepository, missing: MissingProgram): string {
  return `repository ${repo.name}: ${missingDetail(missing)}; ${missingFix(repo, missing)}`;
}

export function missingDetail({ command, program }: MissingProgram): string {
  return `the ${command.kind} command "${command.command}" (${command.origin}) runs "${program}", which is not on PATH`;
}

export function missingFix(repo: ResolvedRepository, { command, program }: MissingProgram): string {
  return `install ${program}, or set ${overrideKeys(command.kind, repo)} in the loop config to a command this machine can run`;
}

/**
 * The learned install command, made safe to run in a slot: skipped when package.json declares no
 * dependencies, and without writing a lockfile the project does not have (it would be captured
 * as the agent's work and merged).
 */
export function slotSetup(repo: string, install: string | null): string | null {
  if (install === null || !/^npm (install|ci)\b/.test(install)) return install;
  const manifest = join(repo, 'package.json');
  if (!existsSync(manifest)) return install;
  let pkg: { dependencies?: object; devDependencies?: object; optionalDependencies?: object };
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8')) as typeof pkg;
  } catch {
    return install;
  }
  const count = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].reduce((n, deps) => n + Object.keys(deps ?? {}).length, 0);
  if (count === 0) return null;
  if (/^npm install\b/.test(install) && !existsSync(join(repo, 'package-lock.json'))) return `${install} --no-package-lock --no-audit --no-fund`;
  return install;
}
