import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runLoop } from '../config/helpers.js';
import { git, tempDir, tempRepo, writeFiles } from '../helpers/temp.js';

const excludeLines = (repo: string) => readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8').split('\n').filter((l) => l.trim() === '.loop/');

test('init in a git repository writes the config, the brief and .loop/, and excludes .loop/', (t) => {
  const repo = realpathSync(tempRepo(t, { 'README.md': '# app\n' }));
  const result = runLoop(['init'], { cwd: repo });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, [
    'created loop.config.yaml',
    'created brief.md',
    'created .loop/',
    `added .loop/ to ${join(repo, '.git', 'info', 'exclude')}`,
    'next: describe the project in brief.md, check with `loop validate`, then try `loop run "<goal>"` (a free dry run on the sim team)',
    '',
  ].join('\n'));
  assert.ok(statSync(join(repo, '.loop')).isDirectory());
  assert.equal(excludeLines(repo).length, 1);
  assert.equal(existsSync(join(repo, '.gitignore')), false);
  assert.equal(git(repo, ['status', '--porcelain', '--untracked-files=all']).split('\n').some((l) => l.includes('.loop')), false);
});

test('the generated config passes `loop validate` with no problems inside git', (t) => {
  const repo = tempRepo(t, { 'README.md': '# app\n' });
  runLoop(['init'], { cwd: repo });
  const result = runLoop(['validate', '--json'], { cwd: repo });
  assert.equal(result.code, 0, result.stdout);
  const report = JSON.parse(result.stdout) as { errors: unknown[]; warnings: unknown[]; summary: unknown };
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(report.summary, { roles: 5, providers: 2, disabledProviders: 3, repositories: 1 });
});

test('the starter team: five SME roles on sim, qa as the critic on its own sim, real agents present but disabled', (t) => {
  const dir = tempDir(t);
  runLoop(['init'], { cwd: dir });
  const text = readFileSync(join(dir, 'loop.config.yaml'), 'utf8');
  const config = parse(text) as {
    providers: Record<string, { type: string; enabled?: boolean; permissionMode?: string; effort?: string; model?: string; sim?: { latencyMs: number } }>;
    roles: Array<{ name: string; sme: string; provider: string }>;
    loop: Record<string, unknown>;
  };
  assert.deepEqual(config.roles.map((r) => [r.name, r.sme, r.provider]), [
    ['planner', 'product-manager', 'sim'],
    ['architect', 'architect', 'sim'],
    ['backend', 'backend', 'sim'],
    ['frontend', 'frontend', 'sim'],
    ['qa', 'qa', 'sim-critic'],
  ]);
  assert.equal(config.providers['sim']?.sim?.latencyMs, 300);
  assert.equal(config.providers['sim-critic']?.type, 'sim');
  assert.equal(config.providers['claude']?.enabled, false);
  assert.equal(config.providers['claude']?.permissionMode, 'acceptEdits');
  assert.equal(config.providers['codex']?.enabled, false);
  assert.equal(config.providers['codex']?.effort, 'medium');
  assert.equal(config.providers['gemini']?.enabled, false);
  assert.ok(config.providers['gemini']?.model);
  assert.deepEqual(config.loop, { planner: 'planner', reviewer: 'qa', maxParallel: 2, maxRepairs: 2, budgetUsd: 5, taskTimeoutMinutes: 30, land: 'merged' });
  const loopBlock = text.slice(text.indexOf('\nloop:'));
  for (const line of loopBlock.split('\n').filter((l) => /^ {2}\w/.test(l))) assert.match(line, /#/, `no comment on: ${line}`);
});

test('running init twice changes nothing and says what it skipped and why', (t) => {
  const repo = realpathSync(tempRepo(t, { 'README.md': '# app\n' }));
  runLoop(['init'], { cwd: repo });
  writeFileSync(join(repo, 'brief.md'), '# my brief\n');
  const config = readFileSync(join(repo, 'loop.config.yaml'), 'utf8');
  const exclude = readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8');
  const second = runLoop(['init'], { cwd: repo });
  assert.equal(second.code, 0);
  assert.equal(second.stdout, [
    'skipped loop.config.yaml: exists; use --force to overwrite',
    'skipped brief.md: exists; use --force to overwrite',
    'kept .loop/: exists',
    `.loop/ is already in ${join(repo, '.git', 'info', 'exclude')}`,
    '',
  ].join('\n'));
  assert.equal(readFileSync(join(repo, 'brief.md'), 'utf8'), '# my brief\n');
  assert.equal(readFileSync(join(repo, 'loop.config.yaml'), 'utf8'), config);
  assert.equal(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8'), exclude);
});

test('--force overwrites the config and the brief', (t) => {
  const repo = tempRepo(t, { 'README.md': '# app\n' });
  runLoop(['init'], { cwd: repo });
  writeFileSync(join(repo, 'brief.md'), '# mine\n');
  const result = runLoop(['init', '--force'], { cwd: repo });
  assert.match(result.stdout, /^overwritten loop.config.yaml\noverwritten brief.md\n/);
  assert.notEqual(readFileSync(join(repo, 'brief.md'), 'utf8'), '# mine\n');
  assert.equal(excludeLines(repo).length, 1);
});

test('an existing ".loop" exclude line (without the slash) counts as already there', (t) => {
  const repo = tempRepo(t, { 'README.md': '# app\n' });
  writeFiles(repo, { '.git/info/exclude': '# mine\n/.loop\n' });
  const result = runLoop(['init'], { cwd: repo });
  assert.match(result.stdout, /\.loop\/ is already in /);
  assert.equal(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8'), '# mine\n/.loop\n');
});

test('init in a linked worktree writes the shared exclude file once', (t) => {
  const repo = realpathSync(tempRepo(t, { 'README.md': '# app\n' }));
  const worktree = join(realpathSync(tempDir(t)), 'wt');
  git(repo, ['worktree', 'add', '-q', '-b', 'side', worktree]);
  const result = runLoop(['init'], { cwd: worktree });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`added \\.loop/ to ${join(repo, '.git', 'info', 'exclude').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal(excludeLines(repo).length, 1);
  assert.equal(git(worktree, ['status', '--porcelain', '--untracked-files=all']).split('\n').some((l) => l.includes('.loop')), false);
  runLoop(['init'], { cwd: worktree });
  assert.equal(excludeLines(repo).length, 1);
});

test('--dir creates the folder; outside git it says nothing was excluded and validate only warns', (t) => {
  const base = tempDir(t);
  const result = runLoop(['init', '--dir', 'team'], { cwd: base });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.split('\n').slice(0, 4).join('\n'), [
    'created team/loop.config.yaml',
    'created team/brief.md',
    'created team/.loop/',
    'not inside a git repository, so nothing was excluded; run `git init` (and `loop init` again) before `loop run --execute`',
  ].join('\n'));
  const validate = runLoop(['validate', '--json', '-c', 'team'], { cwd: base });
  assert.equal(validate.code, 0);
  const report = JSON.parse(validate.stdout) as { errors: unknown[]; warnings: Array<{ message: string }> };
  assert.deepEqual(report.errors, []);
  assert.equal(report.warnings.length, 1);
  assert.match(report.warnings[0]!.message, /`loop run --execute` needs a git repository/);
});

test('--dir naming a file is one clear line and exit 2', (t) => {
  const base = tempDir(t);
  writeFiles(base, { 'x.txt': 'x' });
  const result = runLoop(['init', '--dir', 'x.txt'], { cwd: base });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^loop: .*x\.txt is a file; --dir must name a folder\n$/);
});

test('init --help has an example', (t) => {
  const result = runLoop(['init', '--help'], { cwd: tempDir(t) });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /\$ loop init --dir/);
});
