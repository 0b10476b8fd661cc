/**
 * What a slot needs besides the checkout: the output of the repository's setup command (e.g. `npm
 * ci`), made once per lockfile by the run's setup cache (setup-cache.ts) and copied in when a slot
 * is new or its lockfiles changed (ignored files such as node_modules survive re-pointing), and
 * untracked files such as `.env` copied in.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { git, splitNul } from './git.js';
import { objectInfo, readTree } from './object-reader.js';
import { runShell } from './shell.js';
import { slotSetupLogPath } from './slot-paths.js';

/** The setup command failed or timed out; the slot stays usable and setup is tried again next time. */
export class SetupError extends Error {
  override name = 'SetupError';
  constructor(
    message: string,
    readonly log: string,
    readonly exitCode: number | null,
    readonly timedOut: boolean,
    readonly logFile: string,
    /** When a setup that failed for the run's setup cache runs again (epoch ms); absent for one run in a slot. */
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

/** Files whose content decides whether setup must run again; manifests count only when no lockfile exists. */
const LOCKFILES = [
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock',
  'poetry.lock', 'uv.lock', 'Pipfile.lock', 'pdm.lock', 'Cargo.lock', 'go.sum', 'Gemfile.lock', 'composer.lock',
];
const MANIFESTS = ['package.json', 'requirements.txt', 'pyproject.toml', 'Pipfile', 'go.mod', 'Cargo.toml', 'Gemfile', 'composer.json'];
export const DEFAULT_SETUP_TIMEOUT_MS = 15 * 60_000;

/** Lockfile lines (as `git ls-tree` prints them) per root tree: a tree's entries never change. */
const basisByTree = new Map<string, string>();
/** Stamps per commit and command: a commit's tree never changes either. */
const stampByCommit = new Map<string, string>();
const REMEMBERED = 4096;

/**
 * Changes when the command or the lockfiles at `sha` change (blob ids of the root tree's entries:
 * no file is read). Asked before every task and test run; a commit or tree seen before costs no git
 * call, and an unseen one one request to the repository's batch reader.
 */
export async function setupStamp(slotPath: string, sha: string, command: string): Promise<string> {
  const key = `${sha}\0${command}`;
  const known = stampByCommit.get(key);
  if (known !== undefined) return known;
  const tree = await objectInfo(slotPath, `${sha}^{tree}`);
  let basis = tree === null ? undefined : basisByTree.get(tree.sha);
  if (basis === undefined) {
    const entries = (await readTree(slotPath, tree?.sha ?? sha)) ?? [];
    // ls-tree's lines for both lists; the manifests only count when no lockfile exists
    const lines = entries.filter((e) => LOCKFILES.includes(e.name) || MANIFESTS.includes(e.name)).map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.name}`);
    const locks = lines.filter((line) => LOCKFILES.includes(line.slice(line.indexOf('\t') + 1)));
    basis = (locks.length > 0 ? locks : lines).join('\n');
    if (tree !== null) remember(basisByTree, tree.sha, basis);
  }
  const stamp = createHash('sha256').update(`${command}\0${basis}`).digest('hex').slice(0, 20);
  // only an existing commit named by its id has a stamp worth keeping (a ref moves; an unknown id is asked again)
  if (tree !== null && /^[0-9a-f]{40,64}$/.test(sha)) remember(stampByCommit, key, stamp);
  return stamp;
}

function remember(map: Map<string, string>, key: string, value: string): void {
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value!);
}

/** Runs the setup command in a checkout (a slot, or the setup cache's); throws SetupError when it fails. Returns the tail of its output. */
export async function runSetup(slotPath: string, command: string, timeoutMs = DEFAULT_SETUP_TIMEOUT_MS, logFile = slotSetupLogPath(slotPath)): Promise<string> {
  rmSync(logFile, { force: true });
  const result = await runShell({ cwd: slotPath, command, timeoutMs, logFile });
  const log = result.output.length <= 4000 ? result.output : `[…]\n${result.output.slice(-4000)}`;
  if (result.exitCode !== 0) {
    const how = result.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : (result.spawnError ?? `exited with ${result.exitCode ?? result.signal}`);
    throw new SetupError(`setup "${command}" ${how} in ${slotPath} (log: ${logFile})`, log, result.exitCode, result.timedOut, logFile);
  }
  return log;
}

/**
 * Copies `files` from the user's checkout into the slot, except those the commit at `sha` tracks
 * (the checkout provides them, and a copy would make the slot dirty). Returns what was copied.
 */
export async function copyIntoSlot(options: { from: string; slotPath: string; sha: string; files: readonly string[]; log: (line: string) => void }): Promise<string[]> {
  const files = options.files.filter(isSafeRelative);
  for (const file of options.files) if (!isSafeRelative(file)) options.log(`copyFiles entry "${file}" must be a path inside the repository; skipped`);
  if (files.length === 0) return [];
  const tracked = new Set(splitNul(await git(options.slotPath, ['ls-tree', '-z', '--name-only', options.sha, '--', ...files])));
  const copied: string[] = [];
  for (const file of files) {
    if (tracked.has(file)) continue;
    const source = join(options.from, file);
    if (!existsSync(source)) {
      options.log(`copyFiles entry "${file}" does not exist in ${options.from}; skipped`);
      continue;
    }
    cpSync(source, join(options.slotPath, file), { recursive: true, force: true });
    copied.push(file);
  }
  return copied;
}

function isSafeRelative(file: string): boolean {
  const normalized = file.replace(/\\/g, '/');
  return normalized.length > 0 && !normalized.startsWith('/') && !normalized.split('/').includes('..');
}
