import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countLines, countNewlines } from '../../src/learn/count-lines.js';
import { countRepository, chunkPaths } from '../../src/learn/scan.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const newlineCases: [string, number][] = [
  ['', 0],
  ['a', 1],
  ['a\n', 1],
  ['a\nb', 2],
  ['a\nb\n', 2],
  ['\n\n\n', 3],
  ['a\r\nb\r\n', 2],
];

for (const [text, expected] of newlineCases) {
  test(`${JSON.stringify(text)} has ${expected} line(s)`, () => {
    const buffer = Buffer.from(text + 'stale\nbytes\n'); // bytes past the size must not count
    assert.equal(countNewlines(buffer, Buffer.byteLength(text)), expected);
  });
}

test('binary, oversize, unknown, missing, symlinked and directory paths are sorted out', (t) => {
  const root = tempDir(t);
  writeFiles(root, {
    'a.ts': 'const a = 1;\nconst b = 2;\n',
    'b.py': 'x = 1',
    'notes.unknownext': 'ignored\n',
    'big.js': 'x\n'.repeat(600),
  });
  writeFileSync(join(root, 'logo.c'), Buffer.from([0x89, 0x50, 0x00, 0x0a, 0x0a]));
  symlinkSync(join(root, 'a.ts'), join(root, 'link.ts'));
  mkdirSync(join(root, 'submodule.go'));
  const result = countLines({
    root,
    paths: ['a.ts', 'b.py', 'notes.unknownext', 'big.js', 'logo.c', 'link.ts', 'submodule.go', 'gone.rs'],
    maxBytes: 1000,
  });
  assert.deepEqual(result, {
    languages: { TypeScript: { files: 1, lines: 2 }, Python: { files: 1, lines: 1 } },
    binary: 1,
    oversize: 1,
    unreadable: 3,
  });
});

test('chunks cover every path once and stay between 200 and 2000 paths', () => {
  const paths = Array.from({ length: 100_001 }, (_, i) => `f${i}.ts`);
  const chunks = chunkPaths(paths, 2);
  assert.equal(chunks.flat().length, paths.length);
  assert.equal(new Set(chunks.flat()).size, paths.length);
  assert.ok(chunks.every((chunk, i) => chunk.length <= 2000 && (chunk.length >= 200 || i === chunks.length - 1)));
  assert.deepEqual(chunkPaths([], 2), []);
});

test('the worker pool gives the same totals as counting inline, with progress up to the total', async (t) => {
  const root = tempDir(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < 1500; i++) files[`d${i % 7}/f${i}.${['ts', 'py', 'go'][i % 3]}`] = 'line\n'.repeat(i % 13);
  writeFiles(root, files);
  const paths = Object.keys(files);
  const progress: number[] = [];
  const pooled = await countRepository(root, paths, { threads: 2, onChunk: (done) => progress.push(done) });
  assert.deepEqual(pooled, countLines({ root, paths }));
  assert.equal(progress.at(-1), paths.length);
  assert.ok(progress.length > 1);
});

test('an invalid thread count is refused', async () => {
  await assert.rejects(countRepository('/', ['a.ts'], { threads: 0 }), RangeError);
});

test('a repository of one chunk is counted in this thread, with the same totals and one progress report', async (t) => {
  const root = tempDir(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < 150; i++) files[`d${i % 3}/f${i}.${['ts', 'py'][i % 2]}`] = 'line\n'.repeat(i % 5);
  writeFiles(root, files);
  const paths = Object.keys(files);
  assert.equal(chunkPaths(paths, 2).length, 1);
  const progress: number[] = [];
  assert.deepEqual(await countRepository(root, paths, { threads: 2, onChunk: (done) => progress.push(done) }), countLines({ root, paths }));
  assert.deepEqual(progress, [paths.length]);
});
