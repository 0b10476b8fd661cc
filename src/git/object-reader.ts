/**
 * Reads of the object store through one long-lived `git cat-file --batch-command` per repository
 * (git >= 2.36) instead of a git process per question: resolving a ref or `<rev>^{tree}`, reading
 * a tree or a blob. Starting a process costs 4-20 ms on the machines loop runs on and a task asked
 * such questions a dozen times (research/machine-limits.md §4).
 *
 * Every request is answered at the moment it is read, as a one-off `git rev-parse` or `git
 * cat-file` would be: refs are looked up again on each request (a ref another process moved is
 * seen), objects written since the reader started are found. A reader that died (killed, git too
 * old for `--batch-command`) makes its pending and later calls fall back to one-off processes; the
 * next call after a death starts a new reader. An idle reader is unref'd, so it never keeps Node
 * alive, and it exits when its stdin closes, so it cannot outlive its process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GLOBAL_CONFIG, gitEnv, gitInOwnGroup, gitTry } from './git.js';
import { commonDirOf, worktreeGitDir } from './git-dir.js';

export interface ObjectInfo {
  sha: string;
  type: 'commit' | 'tree' | 'blob' | 'tag';
  size: number;
}

interface Pending {
  kind: 'info' | 'contents';
  resolve: (value: { info: ObjectInfo; data: Buffer | null } | null) => void;
  reject: (error: Error) => void;
}

/** Thrown to pending callers when the reader died; they fall back to one-off processes. */
class ReaderGone extends Error {}

/** Readers kept open at once; the least recently used is closed beyond this. */
const MAX_READERS = 8;
/** A repository whose git cannot run a batch reader is not asked again. */
const unsupported = new Set<string>();
const readers = new Map<string, BatchReader>();

class BatchReader {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private header: { info: ObjectInfo } | null = null;
  dead = false;
  /** True once git answered one request (a git without `--batch-command` never does). */
  private answered = false;

  constructor(readonly cwd: string) {
    // in the CLI, its own process group (see gitInOwnGroup); it ends when its stdin closes
    this.child = spawn('git', [...GLOBAL_CONFIG, 'cat-file', '--batch-command'], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: gitInOwnGroup });
    this.hold(false);
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.resume();
    this.child.stdin.on('error', () => this.die());
    this.child.on('error', () => this.die());
    // 129: git's usage error, a git older than 2.36 without --batch-command
    this.child.on('exit', (code) => this.die(code === 129 && !this.answered));
  }

  request(kind: Pending['kind'], name: string): Promise<{ info: ObjectInfo; data: Buffer | null } | null> {
    if (this.dead) return Promise.reject(new ReaderGone());
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) this.hold(true);
      this.pending.push({ kind, resolve, reject });
      this.child.stdin.write(`${kind} ${name}\n`);
    });
  }

  /** An idle reader never keeps Node running; one with a request out does, until it is answered. */
  private hold(busy: boolean): void {
    const handles = [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref?: () => void; unref?: () => void }[];
    for (const handle of handles) {
      if (busy) handle.ref?.();
      else handle.unref?.();
    }
  }

  private settle(): Pending {
    const head = this.pending.shift()!;
    if (this.pending.length === 0) this.hold(false);
    return head;
  }

  close(): void {
    this.dead = true;
    this.child.stdin.end();
  }

  private die(tooOld = false): void {
    if (tooOld) unsupported.add(this.cwd);
    this.dead = true;
    if (readers.get(this.cwd) === this) readers.delete(this.cwd);
    const waiting = this.pending.splice(0);
    this.hold(false);
    for (const request of waiting) request.reject(new ReaderGone());
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const head = this.pending[0];
      if (!head) return;
      if (this.header === null) {
        const end = this.buffer.indexOf(0x0a);
        if (end === -1) return;
        const line = this.buffer.subarray(0, end).toString('utf8');
        this.buffer = this.buffer.subarray(end + 1);
        this.answered = true;
        const match = /^([0-9a-f]{40,64}) (commit|tree|blob|tag) (\d+)$/.exec(line);
        if (!match) {
          // `<name> missing` or `<name> ambiguous`
          this.settle().resolve(null);
          continue;
        }
        const info: ObjectInfo = { sha: match[1]!, type: match[2] as ObjectInfo['type'], size: Number(match[3]) };
        if (head.kind === 'info') {
          this.settle().resolve({ info, data: null });
          continue;
        }
        this.header = { info };
      }
      const { info } = this.header;
      // the contents, then a newline
      if (this.buffer.length < info.size + 1) return;
      const data = Buffer.from(this.buffer.subarray(0, info.size));
      this.buffer = this.buffer.subarray(info.size + 1);
      this.header = null;
      this.settle().resolve({ info, data });
    }
  }
}

function readerFor(cwd: string): BatchReader | null {
  if (unsupported.has(cwd)) return null;
  let reader = readers.get(cwd);
  if (reader && !reader.dead) {
    // most recently used last
    readers.delete(cwd);
    readers.set(cwd, reader);
    return reader;
  }
  reader = new BatchReader(cwd);
  readers.set(cwd, reader);
  if (readers.size > MAX_READERS) {
    const [oldest, evicted] = readers.entries().next().value!;
    readers.delete(oldest);
    evicted.close();
  }
  return reader;
}

/** A name the batch protocol can carry: one line, no surrounding blanks. */
const batchable = (name: string): boolean => name.length > 0 && !/[\n\r]/.test(name) && name.trim() === name;

/**
 * The folder whose reader serves `cwd`: a linked worktree (a slot) shares its repository's objects
 * and branches, so a name that starts with an object id is read by the repository's reader instead
 * of one per slot. Names with refs stay with `cwd` (HEAD and a few refs are per worktree); a caller
 * that knows its ref is shared (refs/heads/) may ask the repository's reader itself.
 */
const storeByWorktree = new Map<string, string>();
export function repositoryOf(cwd: string): string {
  let store = storeByWorktree.get(cwd);
  if (store === undefined) {
    store = cwd;
    try {
      const dotGit = join(cwd, '.git');
      const common = statSync(dotGit).isFile() ? commonDirOf(worktreeGitDir(cwd)) : null;
      if (common !== null) store = basename(common) === '.git' ? dirname(common) : common;
    } catch {
      // not a linked worktree (or an unreadable one): its own reader
    }
    storeByWorktree.set(cwd, store);
  }
  return store;
}

async function viaReader(cwd: string, kind: Pending['kind'], name: string): Promise<{ info: ObjectInfo; data: Buffer | null } | null | undefined> {
  const reader = batchable(name) ? readerFor(/^[0-9a-f]{40}/.test(name) ? repositoryOf(cwd) : cwd) : null;
  if (reader === null) return undefined;
  try {
    return await reader.request(kind, name);
  } catch (error) {
    if (error instanceof ReaderGone) return undefined;
    throw error;
  }
}

/** What `name` (a SHA, a full ref, `<rev>^{tree}`, `<rev>:<path>`) names in the repository at `cwd`, or null when nothing. */
export async function objectInfo(cwd: string, name: string): Promise<ObjectInfo | null> {
  const read = await viaReader(cwd, 'info', name);
  if (read !== undefined) return read?.info ?? null;
  const result = await gitTry(cwd, ['cat-file', '--batch-check'], { input: `${name.replace(/[\n\r]/g, ' ')}\n` });
  const match = /^([0-9a-f]{40,64}) (commit|tree|blob|tag) (\d+)$/.exec(result.stdout.trim());
  return result.ok && match ? { sha: match[1]!, type: match[2] as ObjectInfo['type'], size: Number(match[3]) } : null;
}

/** The object's bytes and what it is, or null when `name` names nothing. */
export async function readObject(cwd: string, name: string): Promise<{ info: ObjectInfo; data: Buffer } | null> {
  const read = await viaReader(cwd, 'contents', name);
  if (read !== undefined) return read === null ? null : { info: read.info, data: read.data! };
  const info = await objectInfo(cwd, name);
  if (info === null) return null;
  const data = await catFileBytes(cwd, info);
  return data === null ? null : { info, data };
}

/** One-off `git cat-file <type> <sha>`, its bytes as they are (a tree is binary). */
function catFileBytes(cwd: string, info: ObjectInfo): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const child = spawn('git', [...GLOBAL_CONFIG, 'cat-file', info.type, info.sha], { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'ignore'], detached: gitInOwnGroup });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks) : null));
  });
}

/** One entry of a tree object, as `git ls-tree` prints it. */
export interface TreeEntry {
  /** Octal, six digits (`100644`, `040000`). */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  name: string;
}

/** Parses a tree object's bytes (`<octal mode> <name>\0<binary id>`, repeated) in its stored order. */
export function parseTree(data: Buffer, hashBytes = 20): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 1 + hashBytes > data.length) throw new Error('malformed tree object');
    const mode = data.subarray(at, space).toString('latin1').padStart(6, '0');
    const name = data.subarray(space + 1, nul).toString('utf8');
    const sha = data.subarray(nul + 1, nul + 1 + hashBytes).toString('hex');
    const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    entries.push({ mode, type, sha, name });
    at = nul + 1 + hashBytes;
  }
  return entries;
}

/** The entries of the tree `name` names (a tree, or a commit's tree), or null when it names neither. */
export async function readTree(cwd: string, name: string): Promise<TreeEntry[] | null> {
  const read = await readObject(cwd, `${name}^{tree}`);
  if (read === null || read.info.type !== 'tree') return null;
  return parseTree(read.data, read.info.sha.length / 2);
}

/** For tests: the pid of the reader serving `cwd`, if one runs. */
export function readerPid(cwd: string): number | undefined {
  const reader = readers.get(cwd);
  return reader && !reader.dead ? reader.child.pid : undefined;
}

/** Closes every reader of this process (they also exit on their own when it does). */
export function closeReaders(): void {
  for (const reader of readers.values()) reader.close();
  readers.clear();
}
