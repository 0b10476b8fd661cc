/** Collects what `loop doctor` decides on: versions, repositories, providers, disk, permissions. */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeConfigText } from '../config/check.js';
import { displayPath, findConfigFile, readConfigText, searchConfigFile } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { gitToplevel, repositoryName } from '../config/repositories.js';
import { checkProviders, targetsFromConfig } from '../auth/status.js';
import { findExecutable } from '../auth/executable.js';
import { exec } from '../util/exec.js';
import { learnProject } from '../learn/learn.js';
import { missingDetail, missingFix, missingPrograms, projectCommands } from '../run/project-commands.js';
import { loopHome } from '../util/paths.js';
import type { DoctorFacts } from './checks.js';
import { gatherNats } from './nats.js';
import type { RemoteFacts } from './remote-checks.js';
import { probeRemote, workerRemote } from '../git/remote.js';

export interface GatherOptions {
  cwd: string;
  configFile?: string;
  env: NodeJS.ProcessEnv;
}

async function firstLine(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ ok: boolean; line: string }> {
  try {
    const result = await exec(command, args, { env, timeoutMs: 10_000, ...(cwd ? { cwd } : {}) });
    const line = `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.trim()).find((l) => l) ?? '';
    return { ok: result.code === 0, line };
  } catch (error) {
    return { ok: false, line: (error as Error).message };
  }
}

/** The nearest existing folder at or above `path` (where a missing folder would be created). */
function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

export function probeWritable(label: string, path: string): DoctorFacts['writable'][number] {
  const willCreate = !existsSync(path);
  const probe = join(nearestExisting(path), `.loop-doctor-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return { label, path, ok: true, willCreate };
  } catch (error) {
    return { label, path, ok: false, willCreate, error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

function freeBytes(path: string): number | null {
  try {
    const stats = statfsSync(nearestExisting(path));
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

export async function gatherFacts(options: GatherOptions): Promise<DoctorFacts> {
  const { cwd, env } = options;
  const file = options.configFile !== undefined ? findConfigFile(cwd, options.configFile) : searchConfigFile(cwd);
  const folder = file ? dirname(file) : cwd;
  const analysis = file ? analyzeConfigText(readConfigText(file, displayPath(file, cwd)), displayPath(file, cwd), folder) : null;
  const errors = analysis?.problems.filter((p) => p.severity === 'error') ?? [];

  const git = await firstLine('git', ['--version'], env);
  const gitVersion = git.ok ? git.line : null;
  let repos = (analysis?.repositories ?? []).map((r) => ({ name: r.name, path: r.path }));
  if (!analysis?.config) {
    const top = gitVersion ? gitToplevel(folder) : null;
    repos = top ? [{ name: repositoryName(top), path: top }] : [];
  }
  const repositories = await Promise.all(repos.map(async (repo) => {
    const list = await firstLine('git', ['worktree', 'list'], env, repo.path);
    const head = await firstLine('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], env, repo.path);
    return list.ok
      ? { ...repo, worktreeListOk: true, hasCommits: head.ok }
      : { ...repo, worktreeListOk: false, hasCommits: head.ok, error: list.line };
  }));

  const tmuxPath = findExecutable('tmux', env, cwd);
  const tmuxVersion = tmuxPath ? (await firstLine(tmuxPath, ['-V'], env)).line || null : null;

  const config = analysis?.config ?? null;
  const used = config ? targetsFromConfig(config).filter((t) => t.enabled && t.usedBy.length > 0) : targetsFromConfig(null);
  const providers = file && !config ? [] : await checkProviders(used, { env, cwd: folder });

  // What a run would execute in each repository, learned the way `loop run --execute` learns it.
  const commands = config === null ? [] : await Promise.all((analysis?.repositories ?? []).map(async (repo) => {
    const found = projectCommands(repo, config.loop, await learnProject(repo.path));
    const missing = missingPrograms(found, env, repo.path).map((m) => ({ detail: missingDetail(m), fix: missingFix(repo, m) }));
    return { repo: repo.name, setup: found.setup?.command ?? null, test: found.test?.command ?? null, missing };
  }));

  const home = loopHome(env);
  const disks = [
    ...(repos.length > 0 ? repos.map((r) => ({ label: `at ${r.name}`, path: r.path })) : [{ label: 'here', path: folder }]),
    { label: 'at $LOOP_HOME', path: home },
  ].map((d) => ({ ...d, freeBytes: freeBytes(d.path) }));

  return {
    platform: process.platform,
    nodeVersion: process.version,
    gitVersion,
    repositories,
    folder,
    tmux: { path: tmuxPath, version: tmuxVersion },
    config: {
      file: file ? displayPath(file, cwd) : null,
      errors: errors.map((p) => formatProblem(p)),
      warnings: analysis?.problems.filter((p) => p.severity === 'warning').length ?? 0,
      roles: analysis?.summary.roles ?? 0,
    },
    providers,
    commands,
    disks,
    writable: [probeWritable('state folder .loop/', join(folder, '.loop')), probeWritable('$LOOP_HOME', home)],
    nats: config === null ? null : await gatherNats(config, folder),
    // Only workers exchange code through the remote; a nats board with local agents does not need one.
    remotes: config?.loop.engine === 'nats' && config.loop.nats?.dispatch === 'workers' ? await gatherRemotes(analysis?.repositories ?? [], workerRemote(config.loop.nats)) : null,
  };
}

/** Each repository's remote as a worker uses it, probed from this machine. */
export function gatherRemotes(repositories: ReadonlyArray<{ name: string; path: string }>, remote: string): Promise<RemoteFacts[]> {
  return Promise.all(repositories.map(async (repo) => ({ repo: repo.name, path: repo.path, remote, access: await probeRemote(repo.path, remote) })));
}
