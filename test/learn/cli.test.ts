import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Cli } from 'clipanion';
import { LearnCommand } from '../../src/cli/commands/learn.js';
import { packageRoot } from '../../src/util/package-root.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureRepo } from './fixture-repo.js';

async function runLearn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = Cli.from([LearnCommand]);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await cli.run(['learn', ...args], { stdout, stderr, stdin: process.stdin });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

test('loop learn writes PROJECT-INTELLIGENCE.md into the scanned folder and prints a summary', async (t) => {
  const dir = fixtureRepo(t, 'make-c');
  const { code, stdout, stderr } = await runLearn(['--dir', dir]);
  assert.equal(code, 0, stderr);
  // Progress appears only after a second (unit-tested in progress.test.ts); a loaded machine may get there.
  assert.ok(stderr.split('\n').every((line) => line === '' || line.startsWith('loop learn: ')), stderr);
  const written = join(dir, 'PROJECT-INTELLIGENCE.md');
  assert.match(readFileSync(written, 'utf8'), /^- Test: `make test` \(from Makefile line 22 \(target test\)\)$/m);
  assert.match(stdout, /^Scanned 5 files in \d+\.\d\d s \(C 4, Makefile 1\)$/m);
  assert.match(stdout, /^ {2}test +make test +from Makefile line 22 \(target test\)$/m);
  assert.match(stdout, /^ {2}format +none found$/m);
  assert.ok(stdout.endsWith(`Wrote ${written}\n`));
});

test('loop learn --json prints the ProjectIntelligence object and --output chooses the file', async (t) => {
  const dir = fixtureRepo(t, 'go');
  const output = join(tempDir(t), 'nested', 'intel.md');
  const { code, stdout } = await runLearn(['--dir', dir, '--json', '--output', output]);
  assert.equal(code, 0);
  const pi = JSON.parse(stdout) as { commands: { test: { command: string } }; packageManager: string; root: string };
  assert.equal(pi.commands.test.command, 'go test ./...');
  assert.equal(pi.packageManager, 'go');
  assert.equal(pi.root, dir);
  assert.ok(existsSync(output));
  assert.ok(!existsSync(join(dir, 'PROJECT-INTELLIGENCE.md')));
});

test('loop learn with a folder for --output is one line and exit 2', async (t) => {
  const dir = fixtureRepo(t, 'go');
  const { code, stderr } = await runLearn(['--dir', dir, '--output', dir]);
  assert.equal(code, 2);
  assert.match(stderr, /^loop: --output .* is a folder; give a file path such as .*\n$/, 'refused before scanning, so no progress either');
});

test('the loop executable answers a missing --dir with one line and exit 2', async () => {
  const main = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [main, 'learn', '--dir', '/nonexistent/loop-learn-dir'], (error, stdout, stderr) => {
      resolve({ code: child.exitCode ?? (error ? 1 : 0), stdout, stderr });
    });
  });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'loop: /nonexistent/loop-learn-dir: no such directory (pass --dir with the repository to scan)\n');
});
