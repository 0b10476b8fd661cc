import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderIntelligence } from '../../src/learn/render.js';
import type { ProjectIntelligence } from '../../src/learn/types.js';

const base: ProjectIntelligence = {
  root: '/repo',
  name: 'web-shop',
  scannedFiles: 120,
  durationMs: 80,
  languages: [
    { name: 'TypeScript', files: 80, lines: 9000 },
    { name: 'Markdown', files: 20, lines: 400 },
    { name: 'JSON', files: 5, lines: 90 },
    { name: 'CSS', files: 1, lines: 12 },
  ],
  frameworks: ['react', 'vitest'],
  packageManager: 'pnpm',
  layout: {
    topLevel: [{ path: 'src', kind: 'dir', files: 100 }, { path: 'package.json', kind: 'file', files: 1 }],
    sourceDirs: ['src'],
    testDirs: [],
  },
  commands: {
    install: { command: 'pnpm install --frozen-lockfile', source: 'pnpm-lock.yaml' },
    test: { command: 'pnpm test', source: 'package.json scripts.test (pnpm)' },
    build: null,
    lint: { command: 'echo `date` && eslint .', source: 'Makefile target lint' },
    format: null,
  },
  testPatterns: ['*.test.*', '**/test/**'],
  runnerConfigs: ['vitest.config.ts'],
  packageManagerConfigs: ['.npmrc'],
  ciFiles: [],
  notes: ['Files: tracked plus untracked files git does not ignore.'],
};

test('the markdown has the project name, stack, layout, commands with sources, protected globs, configs and CI', () => {
  const markdown = renderIntelligence(base);
  const expectedLines = [
    '# Project intelligence: web-shop',
    '- Languages: TypeScript (80 files, 9000 lines), CSS (1 file, 12 lines)',
    '- Docs and data: Markdown (20 files, 400 lines), JSON (5 files, 90 lines)',
    '- Frameworks and tools: react, vitest',
    '- Package manager: pnpm',
    '- Source folders: `src`',
    '- Test folders: none (tests, if any, sit beside the code)',
    '  - `src/` (100 files)',
    '  - `package.json`',
    "## Commands (read from the repository's own files; use these verbatim)",
    '- Install: `pnpm install --frozen-lockfile` (from pnpm-lock.yaml)',
    '- Test: `pnpm test` (from package.json scripts.test (pnpm))',
    '- Build: none found',
    '- Lint: `` echo `date` && eslint . `` (from Makefile target lint)',
    '- Format: none found',
    '## Test files the gate protects',
    '`*.test.*`, `**/test/**`',
    '## Test-runner configs',
    '- `vitest.config.ts`',
    '## Package-manager and build-tool configs',
    '- `.npmrc`',
    '## CI files',
    'none present',
    '- Files: tracked plus untracked files git does not ignore.',
  ];
  const lines = markdown.split('\n');
  for (const line of expectedLines) assert.ok(lines.includes(line), `missing line: ${line}`);
  const order = ['# Project', '## Stack', '## Layout', '## Commands', '## Test files', '## Test-runner', '## Package-manager', '## CI files', '## Notes'];
  const positions = order.map((heading) => markdown.indexOf(heading));
  assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'sections appear in order');
  assert.ok(positions.every((position) => position >= 0));
});

test('long folder lists are cut with a count of the rest', () => {
  const topLevel = Array.from({ length: 45 }, (_, i) => ({ path: `pkg${String(i).padStart(2, '0')}`, kind: 'dir' as const, files: 1 }));
  const markdown = renderIntelligence({ ...base, layout: { ...base.layout, topLevel } });
  assert.match(markdown, /^ {2}- … and 5 more$/m);
  assert.doesNotMatch(markdown, /pkg40/);
});
