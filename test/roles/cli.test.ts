import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DISCIPLINES } from '../../src/roles/disciplines.js';
import { getDiscipline } from '../../src/roles/catalog.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Result { code: number; stdout: string; stderr: string }

function loop(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('loop roles prints a table of the 27 disciplines with title, best-fit provider and summary', async () => {
  const { code, stdout, stderr } = await loop(['roles']);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /^NAME +TITLE +BEST FIT +SUMMARY$/);
  for (const [i, info] of DISCIPLINES.entries()) {
    const line = lines[i + 1]!;
    const summary = getDiscipline(info.name)!.summary;
    assert.match(line, new RegExp(`^${info.name} +${info.title} +${info.provider} +`));
    assert.ok(line.endsWith(summary), `${info.name} shows its whole summary when not on a terminal`);
  }
  assert.match(stdout, /loop roles <name>/);
  assert.doesNotMatch(stdout, /\u001b\[/);
});

test('loop roles --json prints name, title, provider and summary of every discipline', async () => {
  const { code, stdout } = await loop(['roles', '--json']);
  assert.equal(code, 0);
  const rows = JSON.parse(stdout) as Array<Record<string, string>>;
  assert.deepEqual(rows, DISCIPLINES.map((d) => ({ name: d.name, title: d.title, provider: d.provider, summary: getDiscipline(d.name)!.summary })));
});

test('loop roles <name> prints that discipline\'s full prompt', async () => {
  const { code, stdout, stderr } = await loop(['roles', 'dba']);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const dba = getDiscipline('dba')!;
  assert.ok(stdout.startsWith('# Database Engineer (dba)\n'));
  assert.ok(stdout.includes('Best-fit provider: codex'));
  assert.ok(stdout.includes(dba.summary));
  assert.ok(stdout.includes(dba.prompt));
});

test('loop roles <name> --json prints the discipline with its prompt', async () => {
  const { code, stdout } = await loop(['roles', 'scout', '--json']);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), getDiscipline('scout'));
});

test('an unknown discipline prints one line with a did-you-mean and exits 2', async () => {
  const { code, stdout, stderr } = await loop(['roles', 'bakend']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'loop: unknown discipline "bakend" (did you mean "backend"?); run "loop roles" to list them\n');
});

test('an unknown discipline with no close name still exits 2 with one line', async () => {
  const { code, stderr } = await loop(['roles', 'astrologer']);
  assert.equal(code, 2);
  assert.equal(stderr.trimEnd().split('\n').length, 1);
  assert.match(stderr, /unknown discipline "astrologer"/);
});

test('loop roles --help describes the command with examples', async () => {
  const { code, stdout } = await loop(['roles', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /\$ loop roles dba/);
  assert.match(stdout, /\$ loop roles --json/);
  assert.match(stdout, /sme: <name>/);
});
