/**
 * Resolves `repositories` to absolute git toplevels (or, with no block, the config folder's own
 * repository) and reports paths that do not exist or are not git repositories.
 * `~/` is expanded and relative paths resolve against the config file's folder, never the cwd.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { ROLE_NAME_PATTERN } from '../../protocol/ids.js';
import type { Finding } from './schema-issues.js';
import { asArray, asRecord } from './references.js';
import type { ResolvedRepository } from './load.js';

export interface RepositoryOptions {
  /** Folder of the config file. */
  dir: string;
  /** For `~/`; defaults to the user's home. */
  home?: string;
}

export function expandPath(path: string, { dir, home }: RepositoryOptions): string {
  const base = home ?? homedir();
  const expanded = path === '~' ? base : path.startsWith('~/') ? join(base, path.slice(2)) : path;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(dir, expanded);
}

/** The git toplevel containing `dir`, or null when it is not inside a repository (or git is missing). */
export function gitToplevel(dir: string): string | null {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  if (result.status !== 0 || typeof result.stdout !== 'string') return null;
  const top = result.stdout.trim();
  return top.length > 0 ? top : null;
}

export function resolveRepositories(raw: Record<string, unknown>, options: RepositoryOptions): { repositories: ResolvedRepository[]; findings: Finding[] } {
  const loop = asRecord(raw['loop']) ?? {};
  const shared = { setup: stringOrUndefined(loop['setup']), testCommand: stringOrUndefined(loop['testCommand']) };
  if (raw['repositories'] === undefined) return implicitRepository(options, shared);
  const repositories: ResolvedRepository[] = [];
  const findings: Finding[] = [];
  asArray(raw['repositories']).forEach((item, index) => {
    const repo = asRecord(item);
    const path = repo?.['path'];
    if (!repo || typeof path !== 'string' || path === '') return; // the schema reports these
    const absolute = expandPath(path, options);
    const shown = absolute === path ? path : `${path} (${absolute})`;
    const fail = (message: string) => findings.push({ severity: 'error', path: ['repositories', index, 'path'], at: 'value', message });
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat) return fail(`${shown} does not exist; clone the repository there or fix the path`);
    if (!stat.isDirectory()) return fail(`${shown} is a file, not a folder; point it at the repository's folder`);
    const top = gitToplevel(absolute);
    if (!top) return fail(`${shown} is not a git repository; run \`git init\` there or fix the path`);
    repositories.push({
      name: String(repo['name']),
      path: top,
      ...optional('defaultBranch', stringOrUndefined(repo['defaultBranch'])),
      protectedBranches: asArray(repo['protectedBranches']).filter((b): b is string => typeof b === 'string'),
      ...optional('setup', stringOrUndefined(repo['setup']) ?? shared.setup),
      ...optional('testCommand', stringOrUndefined(repo['testCommand']) ?? shared.testCommand),
      copyFiles: asArray(repo['copyFiles']).filter((f): f is string => typeof f === 'string'),
      implicit: false,
    });
  });
  return { repositories, findings };
}

function implicitRepository(options: RepositoryOptions, shared: { setup: string | undefined; testCommand: string | undefined }) {
  const top = gitToplevel(options.dir);
  if (!top) {
    const finding: Finding = {
      severity: 'warning',
      path: [],
      at: 'value',
      message: 'this folder is not inside a git repository and there is no repositories block; dry runs work, but `loop run --execute` needs a git repository (run `git init`, or list repositories under `repositories:`)',
    };
    return { repositories: [], findings: [finding] };
  }
  const repository: ResolvedRepository = {
    name: repositoryName(top),
    path: top,
    protectedBranches: [],
    ...optional('setup', shared.setup),
    ...optional('testCommand', shared.testCommand),
    copyFiles: [],
    implicit: true,
  };
  return { repositories: [repository], findings: [] };
}

/** A folder name made fit for the role-name alphabet (it becomes part of slot paths and ids). */
export function repositoryName(path: string): string {
  const cleaned = basename(path).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, 64);
  return ROLE_NAME_PATTERN.test(cleaned) ? cleaned : 'repo';
}

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** `exactOptionalPropertyTypes`-friendly: the key is absent rather than set to undefined. */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
