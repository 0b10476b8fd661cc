/**
 * `loop doctor`'s decisions: pure functions from gathered facts to ok / warn / fail lines, each
 * with a fix. `fail` means something `loop run --execute` needs is missing (exit 1).
 */
import type { ProviderAuthStatus } from '../auth/status.js';
import type { NatsFacts } from './nats.js';
import { checkNats } from './nats-checks.js';
import { checkRemote, type RemoteFacts } from './remote-checks.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  status: CheckStatus;
  /** What was checked: "node", "git", "tmux", "provider claude", … */
  name: string;
  detail: string;
  fix?: string;
}

export interface DoctorFacts {
  platform: NodeJS.Platform;
  nodeVersion: string;
  gitVersion: string | null;
  /** Repositories the team works on (or the folder's own repository); empty when there is none. */
  repositories: Array<{ name: string; path: string; worktreeListOk: boolean; hasCommits: boolean; error?: string }>;
  /** Where loop looked for a repository when there is none. */
  folder: string;
  tmux: { path: string | null; version: string | null };
  config: { file: string | null; errors: string[]; warnings: number; roles: number };
  /** Providers used by a role (or claude/codex/gemini when there is no config). */
  providers: ProviderAuthStatus[];
  /** Per repository: the setup and test commands a run would execute, and the programs they start that are missing. */
  commands: Array<{ repo: string; setup: string | null; test: string | null; missing: Array<{ detail: string; fix: string }> }>;
  disks: Array<{ label: string; path: string; freeBytes: number | null }>;
  writable: Array<{ label: string; path: string; ok: boolean; willCreate: boolean; error?: string }>;
  /** The server of `loop.engine: nats`; null on the local engine. */
  nats: NatsFacts | null;
  /** With `loop.nats.dispatch: workers`: each repository's remote as workers reach it; null otherwise. */
  remotes: RemoteFacts[] | null;
}

export const MIN_NODE_MAJOR = 20;
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;
export const DISK_WARN_BYTES = GiB;
export const DISK_FAIL_BYTES = 100 * MiB;

export function checkNode(version: string): Check {
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  if (major >= MIN_NODE_MAJOR) return { status: 'ok', name: 'node', detail: version };
  return { status: 'fail', name: 'node', detail: `${version} is too old; loop needs Node ${MIN_NODE_MAJOR} or newer`, fix: 'install Node 20 or newer (https://nodejs.org, or `nvm install 20`)' };
}

export function checkGit(facts: DoctorFacts): Check[] {
  if (facts.gitVersion === null) {
    return [{ status: 'fail', name: 'git', detail: 'git is not on PATH; loop works in git worktrees', fix: installCommand(facts.platform, 'git') }];
  }
  const checks: Check[] = [{ status: 'ok', name: 'git', detail: facts.gitVersion }];
  if (facts.repositories.length === 0) {
    checks.push({
      status: 'fail',
      name: 'repository',
      detail: `${facts.folder} is not inside a git repository; dry runs work, \`loop run --execute\` does not`,
      fix: 'run `git init` (and commit), or list repositories under `repositories:` in loop.config.yaml',
    });
  }
  for (const repo of facts.repositories) {
    const name = `repository ${repo.name}`;
    if (!repo.worktreeListOk) {
      checks.push({ status: 'fail', name, detail: `\`git worktree list\` fails in ${repo.path}${repo.error ? `: ${repo.error}` : ''}`, fix: 'repair the repository (try `git worktree prune`) or upgrade git' });
    } else if (!repo.hasCommits) {
      checks.push({ status: 'fail', name, detail: `${repo.path} has no commits yet; worktrees start from a commit`, fix: 'commit once (`git add -A && git commit -m "initial"`)' });
    } else {
      checks.push({ status: 'ok', name, detail: `${repo.path}; git worktree list works` });
    }
  }
  return checks;
}

export function checkTmux(facts: DoctorFacts): Check {
  if (facts.tmux.path) return { status: 'ok', name: 'tmux', detail: facts.tmux.version ?? facts.tmux.path };
  return { status: 'warn', name: 'tmux', detail: 'not found; loop runs headless without it (no live pane per role)', fix: installCommand(facts.platform, 'tmux') };
}

export function checkConfig(config: DoctorFacts['config']): Check {
  if (config.file === null) {
    return { status: 'warn', name: 'config', detail: 'no loop.config.yaml here or in a parent folder', fix: 'run `loop init`' };
  }
  if (config.errors.length > 0) {
    const more = config.errors.length > 1 ? ` (and ${config.errors.length - 1} more)` : '';
    return { status: 'fail', name: 'config', detail: `${config.file} has ${config.errors.length} error(s): ${config.errors[0]}${more}`, fix: 'run `loop validate` and fix every line it prints' };
  }
  const warned = config.warnings > 0 ? `, ${config.warnings} warning(s) (see \`loop validate\`)` : '';
  return { status: 'ok', name: 'config', detail: `${config.file} is valid: ${config.roles} role(s)${warned}` };
}

/** Providers used by roles are required for `--execute`; without a config they are only informative. */
export function checkProvider(status: ProviderAuthStatus, required: boolean): Check {
  const name = `provider ${status.key}`;
  const used = status.usedBy.length > 0 ? ` (used by ${status.usedBy.join(', ')})` : '';
  if (status.type === 'sim') return { status: 'ok', name, detail: `built-in simulator${used}` };
  if (status.ready) {
    const how = status.mode === 'api-key' ? `key in ${status.env}` : status.mode === 'subscription' ? 'logged in' : 'found';
    return { status: 'ok', name, detail: `${status.version ?? status.commandPath ?? status.type}, ${how}${used}` };
  }
  const problem = status.commandPath === null ? `${status.command ?? status.type} not found` : 'no credentials found';
  const detail = required ? `${problem}; needed for \`loop run --execute\`${used}` : `${problem}; needed only if a role uses it`;
  return { status: required ? 'fail' : 'warn', name, detail, ...(status.fix ? { fix: status.fix } : {}) };
}

/** A setup or test command whose program is missing fails every task after its agent was paid for. */
export function checkCommands(entry: DoctorFacts['commands'][number]): Check[] {
  const name = `repository ${entry.repo} commands`;
  if (entry.missing.length > 0) return entry.missing.map((m) => ({ status: 'fail', name, detail: m.detail, fix: m.fix }));
  const shown = [entry.setup === null ? null : `setup "${entry.setup}"`, entry.test === null ? null : `test "${entry.test}"`].filter((x) => x !== null);
  return [{ status: 'ok', name, detail: shown.length > 0 ? `${shown.join(', ')}: every program they start is on PATH` : 'no setup or test command (learned or configured)' }];
}

export function checkDisk(disk: DoctorFacts['disks'][number]): Check {
  const name = `disk ${disk.label}`;
  if (disk.freeBytes === null) return { status: 'warn', name, detail: `cannot read free space at ${disk.path}` };
  const free = `${formatBytes(disk.freeBytes)} free at ${disk.path}`;
  if (disk.freeBytes < DISK_FAIL_BYTES) return { status: 'fail', name, detail: free, fix: 'free some space: worktrees, logs and test runs need room (at least 1 GiB recommended)' };
  if (disk.freeBytes < DISK_WARN_BYTES) return { status: 'warn', name, detail: free, fix: 'free some space: each worktree slot is a full checkout' };
  return { status: 'ok', name, detail: free };
}

export function checkWritable(target: DoctorFacts['writable'][number]): Check {
  const name = target.label;
  if (target.ok) return { status: 'ok', name, detail: `${target.path} is writable${target.willCreate ? ' (it will be created)' : ''}` };
  return { status: 'fail', name, detail: `cannot write in ${target.path}${target.error ? `: ${target.error}` : ''}`, fix: `fix the permissions of ${target.path}${name.includes('LOOP_HOME') ? ', or point $LOOP_HOME somewhere writable' : ''}` };
}

export function evaluate(facts: DoctorFacts): Check[] {
  const required = facts.config.file !== null;
  return [
    checkNode(facts.nodeVersion),
    ...checkGit(facts),
    checkTmux(facts),
    checkConfig(facts.config),
    ...facts.providers.map((status) => checkProvider(status, required)),
    ...facts.commands.flatMap(checkCommands),
    ...facts.disks.map(checkDisk),
    ...facts.writable.map(checkWritable),
    ...(facts.nats === null ? [] : checkNats(facts.nats)),
    ...(facts.remotes ?? []).map(checkRemote),
  ];
}

export function installCommand(platform: NodeJS.Platform, tool: string): string {
  return platform === 'darwin' ? `brew install ${tool}` : `sudo apt-get install -y ${tool} (or: brew install ${tool})`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  return `${Math.round(bytes / MiB)} MiB`;
}
