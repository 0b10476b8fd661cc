/**
 * A full, independent copy of a file or folder: symlinks copied as links (a relative
 * `node_modules/.bin/x -> ../pkg/cli.js` stays valid), modes and times kept. Reflinked where the
 * file system can (btrfs, xfs: instant and shares no writable data), else a real copy. Never hard
 * links: a tool that rewrites a file in place (`fs.writeFileSync` opens with O_TRUNC, as
 * `prisma generate` does into node_modules/.prisma) would write through a hard link into every
 * other copy, and loop runs as root on many VMs, where read-only files would not stop it.
 */
import { cp } from 'node:fs/promises';
import { constants } from 'node:fs';
import { exec } from './exec.js';

let gnuCp: Promise<boolean> | null = null;

/** Copies `from` to `to`, which must not exist yet (its parent must). */
export async function copyTree(from: string, to: string): Promise<void> {
  gnuCp ??= exec('cp', ['--version']).then((probe) => probe.code === 0 && probe.stdout.includes('GNU'), () => false);
  // GNU cp is about 3x faster than Node's cp on a node_modules folder (1.1 s against 3.0 s for 168 MB, 1 839 files here) and does not block this process
  if (await gnuCp) {
    const copied = await exec('cp', ['-a', '--reflink=auto', '--', from, to]);
    if (copied.code !== 0) throw new Error(`cp -a ${from} ${to} failed: ${copied.stderr.trim()}`);
    return;
  }
  await cp(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, force: true, mode: constants.COPYFILE_FICLONE });
}
