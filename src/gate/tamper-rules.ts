/**
 * Pure rules of the tamper guard over a list of changed files and a way to read their contents.
 * (a) existing test files may not be modified, deleted or renamed away (new ones are fine);
 * (b) locked files (grader-files.ts: runner and package-manager configs, CI, loop's files, extras)
 *     may not be added, changed or deleted;
 * (c) package.json `scripts` and runner config keys may not change (compared as parsed values,
 *     so formatting elsewhere in the file is fine); the pytest sections of pyproject.toml/setup.cfg likewise;
 * (d) a test runner's declared version or lockfile entry may not change (adding the first runner
 *     to a file that declared none is setting up tests, not tampering).
 */
import { matchesAny } from '../util/glob.js';
import type { ProtectedSpec } from '../../protocol/messages.js';
import { changedEntries, isObject, parseJsonObject, runnerReader } from './runner-deps.js';
import { GRADER_GROUPS, PYTEST_SECTIONS, RUNNER_CONFIG_KEYS } from './grader-files.js';

export interface TamperVerdict {
  ok: boolean;
  violations: { file: string; reason: string }[];
}

export interface FileChange {
  /** git's status letter: Added, Modified, Deleted, Type change, Renamed, Copied. */
  status: 'A' | 'M' | 'D' | 'T' | 'R' | 'C' | 'U' | 'X';
  path: string;
  /** Source of a rename or copy. */
  from?: string;
}

/** `(side, path)` → file content, or null when the file does not exist on that side. */
export type ReadFile = (side: 'base' | 'commit', path: string) => string | null;

const MAX_PER_FILE = 5;

export function needsContent(fileName: string): boolean {
  return fileName === 'package.json' || fileName in PYTEST_SECTIONS || runnerReader(fileName) !== null;
}

export function judgeChanges(changes: FileChange[], spec: ProtectedSpec, read: ReadFile): TamperVerdict {
  const violations: { file: string; reason: string }[] = [];
  const add = (file: string, reason: string) => violations.push({ file, reason });
  for (const change of changes) {
    const oldPath = change.from ?? change.path;
    const existedAtBase = change.status !== 'A' && change.status !== 'C';

    // (a) existing test files
    if (existedAtBase && matchesAny(oldPath, spec.testGlobs)) {
      if (change.status === 'D') add(oldPath, 'deletes an existing test file');
      else if (change.status === 'R') add(oldPath, `renames an existing test file away (to ${change.path})`);
      else add(oldPath, 'modifies an existing test file (new test files are fine; existing ones are the grader)');
    }

    // (b) locked files
    const lockedOld = existedAtBase && matchesAny(oldPath, spec.lockedGlobs);
    const lockedNew = change.status !== 'D' && matchesAny(change.path, spec.lockedGlobs);
    if (lockedOld || lockedNew) {
      const verb = change.status === 'A' || change.status === 'C' ? 'adds' : change.status === 'D' ? 'deletes' : change.status === 'R' ? 'renames' : 'modifies';
      const file = lockedOld ? oldPath : change.path;
      add(file, `${verb} a protected file: ${lockedKind(file)}`);
    }

    const name = change.path.slice(change.path.lastIndexOf('/') + 1);
    const before = existedAtBase ? read('base', oldPath) : null;
    const after = change.status === 'D' ? null : read('commit', change.path);

    // (c) package.json scripts and runner config; pytest sections
    if (name === 'package.json' && existedAtBase) checkPackageJson(change.path, before, after, add);
    if (name in PYTEST_SECTIONS && (before !== null || after !== null)) {
      const pattern = PYTEST_SECTIONS[name]!;
      if (sectionText(before, pattern) !== sectionText(after, pattern)) add(change.path, 'changes the pytest configuration section');
    }

    // (d) test-runner versions
    const reader = runnerReader(name);
    if (reader && (before !== null || after !== null)) {
      let entries;
      try {
        const old = before === null ? new Map<string, string>() : safeRead(reader, before);
        entries = changedEntries(old, after === null ? new Map() : reader(after));
        // a file that declared no runner before is not a grader yet: setting one up (a new
        // project, a new package) is work, not tampering
        if (old.size === 0) entries = entries.filter((entry) => entry.before !== undefined);
      } catch {
        add(change.path, 'cannot be parsed after the change, so its test-runner entries cannot be checked');
        continue;
      }
      for (const entry of entries.slice(0, MAX_PER_FILE)) add(change.path, `changes the test runner entry ${entry.key} (${show(entry.before)} → ${show(entry.after)})`);
      if (entries.length > MAX_PER_FILE) add(change.path, `changes ${entries.length - MAX_PER_FILE} more test-runner entries`);
    }
  }
  return { ok: violations.length === 0, violations };
}

/** Which grader group a locked path belongs to, for a message that says why it is locked. */
function lockedKind(path: string): string {
  const group = GRADER_GROUPS.find((candidate) => candidate.id !== 'tests' && matchesAny(path, candidate.globs));
  return group ? `${group.title} (${group.why})` : 'listed in loop.protectedPaths, or a file the test command runs';
}

function checkPackageJson(file: string, before: string | null, after: string | null, add: (file: string, reason: string) => void): void {
  if (before === null) return;
  let old: Record<string, unknown>;
  try {
    old = parseJsonObject(before);
  } catch {
    return; // it was broken before the attempt; nothing to protect
  }
  if (after === null) {
    if (isObject(old['scripts']) && Object.keys(old['scripts']).length > 0) add(file, 'deletes a package.json that defines scripts');
    return;
  }
  let neu: Record<string, unknown>;
  try {
    neu = parseJsonObject(after);
  } catch {
    add(file, 'is not valid JSON after the change, so its scripts cannot be checked');
    return;
  }
  const oldScripts = isObject(old['scripts']) ? old['scripts'] : {};
  const newScripts = isObject(neu['scripts']) ? neu['scripts'] : {};
  for (const key of [...new Set([...Object.keys(oldScripts), ...Object.keys(newScripts)])].sort()) {
    const a = oldScripts[key];
    const b = newScripts[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a === undefined) add(file, `adds scripts.${key} (${show(b)}); package.json scripts are protected`);
    else if (b === undefined) add(file, `removes scripts.${key} (was ${show(a)}); package.json scripts are protected`);
    else add(file, `changes scripts.${key} from ${show(a)} to ${show(b)}; package.json scripts are protected`);
  }
  for (const key of RUNNER_CONFIG_KEYS) {
    if (JSON.stringify(old[key]) !== JSON.stringify(neu[key])) add(file, `changes the "${key}" test configuration in package.json`);
  }
}

/** The runner entries of the base version; a base that does not parse declares none we can protect. */
function safeRead(reader: (content: string) => Map<string, string>, content: string): Map<string, string> {
  try {
    return reader(content);
  } catch {
    return new Map();
  }
}

/** The text of an ini/TOML section (header to the next header), comments and blank lines dropped. */
function sectionText(content: string | null, header: RegExp): string {
  if (content === null) return '';
  const kept: string[] = [];
  let inside = false;
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inside = header.test(line);
    if (inside && line.length > 0 && !line.startsWith('#') && !line.startsWith(';')) kept.push(line);
  }
  return kept.join('\n');
}

function show(value: unknown): string {
  if (value === undefined) return 'none';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
