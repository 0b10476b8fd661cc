/**
 * The tamper guard: did the attempt change what grades it? Reads two commits with git and decides
 * with pure rules (tamper-rules.ts). The anchor's guard hashed test files only and was bypassed by
 * `"test": "exit 0"` in package.json, merging broken code (research §10.4, §17 item 4).
 */
import { basename } from 'node:path';
import type { ProtectedSpec } from '../../protocol/messages.js';
import { gitRaw, splitNul } from '../git/git.js';
import { readObject } from '../git/object-reader.js';
import { NAME_STATUS_ARGS } from '../git/name-status.js';
import { judgeChanges, needsContent, type FileChange, type TamperVerdict } from './tamper-rules.js';

export type { TamperVerdict } from './tamper-rules.js';

/** `nameStatus`: the change's `--name-status -z -M` output when the caller already read it (capture does). */
export async function checkTamper(repo: string, base: string, commit: string, spec: ProtectedSpec, nameStatus?: string): Promise<TamperVerdict> {
  const changes = parseNameStatus(nameStatus ?? (await gitRaw(repo, NAME_STATUS_ARGS(base, commit))));
  const contents = new Map<string, string | null>();
  const reads: Promise<void>[] = [];
  for (const change of changes) {
    for (const [rev, path] of [[base, change.from ?? change.path], [commit, change.path]] as const) {
      if (!needsContent(basename(path))) continue;
      const key = `${rev}:${path}`;
      if (contents.has(key)) continue;
      contents.set(key, null);
      reads.push(
        readObject(repo, key).then((read) => {
          contents.set(key, read?.info.type === 'blob' ? read.data.toString('utf8') : null);
        }),
      );
    }
  }
  await Promise.all(reads);
  return judgeChanges(changes, spec, (side, path) => contents.get(`${side === 'base' ? base : commit}:${path}`) ?? null);
}

/** `git diff --name-status -z -M`: `M\0path\0`, `R087\0old\0new\0`. */
export function parseNameStatus(output: string): FileChange[] {
  const fields = splitNul(output);
  const changes: FileChange[] = [];
  for (let i = 0; i < fields.length; i++) {
    const status = fields[i]!;
    const letter = status[0]!;
    if (letter === 'R' || letter === 'C') {
      const from = fields[++i]!;
      const path = fields[++i]!;
      changes.push({ status: letter, from, path });
    } else {
      changes.push({ status: letter as FileChange['status'], path: fields[++i]! });
    }
  }
  return changes;
}
