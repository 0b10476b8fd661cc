/**
 * Setup runs per run (`node dist/bench/setup.js [--old <other build's dist/src/cli/main.js>] [--rounds N]`):
 * a small multi-task run (6 tasks over 2 roles, sim agents of 0.3 s, a `node --test` suite) on a
 * project whose setup is a real, offline `npm ci` of seven vendored packages (yaml, valibot,
 * playwright-core, … packed from this checkout's node_modules: 18 MB). The root package's
 * `prepare` script counts npm ci runs in a file outside the repository. With --old, the other
 * build runs the same workload in turns with this one (old, new, old, new, …), as the machine is
 * shared and noisy; figures are medians, CPU is user+sys of the whole process tree (GNU time).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { LOOP_BIN, emit, median, readEvents, scratch, table, type Figure } from './lib.js';

const TASKS = 6;
const ROLES = 2;
const PACKAGES = ['yaml', 'valibot', 'picomatch', 'smol-toml', 'nanoid', 'typanion', 'playwright-core'];
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };

const { values } = parseArgs({ options: { old: { type: 'string' }, rounds: { type: 'string', default: '3' } } });

/** Tarballs packed once from this checkout's node_modules (no registry), and an npm cache of their own. */
function vendor(root: string): { tarballs: string[]; npmCache: string } {
  const dir = join(root, 'vendor');
  mkdirSync(dir);
  const npmCache = join(root, 'npm-cache');
  const here = new URL('../../node_modules/', import.meta.url);
  const tarballs = PACKAGES.map((name) => {
    // packed from a copy with scripts off: a package's prepack script (typanion's `rm -rf lib && rollup -c`) must never run in node_modules
    const copy = join(root, 'sources', name);
    cpSync(new URL(name, here).pathname, copy, { recursive: true });
    const out = execFileSync('npm', ['pack', copy, '--ignore-scripts', '--pack-destination', dir, '--cache', npmCache, '--offline'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return join(dir, out.trim().split('\n').pop()!);
  });
  return { tarballs, npmCache };
}

function makeRepo(dir: string, tarballs: readonly string[], npmCache: string, setupLog: string): void {
  mkdirSync(join(dir, 'test'), { recursive: true });
  mkdirSync(join(dir, 'vendor'));
  for (const tarball of tarballs) cpSync(tarball, join(dir, 'vendor', tarball.slice(tarball.lastIndexOf('/') + 1)));
  const dependencies = Object.fromEntries(PACKAGES.map((name, i) => [name, `file:vendor/${tarballs[i]!.slice(tarballs[i]!.lastIndexOf('/') + 1)}`]));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'setup-bench', private: true, type: 'module', dependencies, scripts: { test: 'node --test test/', prepare: `echo run >> ${setupLog}` } }, null, 2)}\n`);
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  writeFileSync(join(dir, 'test', 'deps.test.js'), "import { test } from 'node:test';\nimport { parse } from 'yaml';\nimport assert from 'node:assert/strict';\ntest('dependencies are installed', () => assert.deepEqual(parse('a: 1'), { a: 1 }));\n");
  const setup = `npm ci --offline --no-audit --no-fund --cache ${npmCache}`;
  writeFileSync(join(dir, 'loop.config.yaml'), stringify({
    version: 1,
    providers: { sim: { type: 'sim', sim: { latencyMs: 300 } }, 'sim-critic': { type: 'sim' } },
    roles: [...Array.from({ length: ROLES }, (_, i) => ({ name: `r${i + 1}`, provider: 'sim' })), { name: 'qa', provider: 'sim-critic' }],
    loop: { reviewer: 'qa', maxParallel: ROLES, maxRepairs: 0, testCommand: 'node --test test/', setup },
  }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', npmCache], { cwd: dir, stdio: 'ignore' });
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'setup bench'], { cwd: dir, env: GIT_ENV });
}

interface Measured {
  setupRuns: number;
  wallMs: number;
  cpuMs: number;
}

/** One run under GNU time: user+sys of loop and every process it waited for (actors, git, npm, tests). */
function timedRun(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; cpuMs: number }> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => {
      const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(output);
      resolve({ code, output, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN });
    });
  });
}

async function measure(bin: string, tarballs: readonly string[], npmCache: string): Promise<Measured> {
  const root = scratch('loop-bench-setup-');
  const repo = join(root, 'repo');
  const setupLog = join(root, 'setup-runs.log');
  mkdirSync(repo);
  makeRepo(repo, tarballs, npmCache, setupLog);
  writeFileSync(setupLog, '');
  const plan = join(root, 'plan.yaml');
  writeFileSync(plan, stringify({ tasks: Array.from({ length: TASKS }, (_, i) => ({ id: `t${i + 1}`, title: `Task t${i + 1}`, role: `r${(i % ROLES) + 1}`, dependsOn: [], files: [`work/t${i + 1}.md`] })) }));
  const started = Date.now();
  const run = await timedRun(bin, ['run', 'setup', '--execute', '--plan', plan, '--run', 'bench'], repo, { ...GIT_ENV, LOOP_HOME: join(root, 'home') });
  const wallMs = Date.now() - started;
  if (run.code !== 0) throw new Error(`loop run exited ${run.code}:\n${run.output}`);
  const merged = readEvents(repo, 'bench').filter((e) => e.type === 'task.merged').length;
  if (merged !== TASKS) throw new Error(`only ${merged} of ${TASKS} merged`);
  const setupRuns = readFileSync(setupLog, 'utf8').split('\n').filter(Boolean).length;
  rmSync(root, { recursive: true, force: true });
  return { setupRuns, wallMs, cpuMs: run.cpuMs };
}

const builds: Array<[string, string]> = values.old ? [['old', values.old], ['new', LOOP_BIN]] : [['this build', LOOP_BIN]];
const vendored = scratch('loop-bench-setup-vendor-');
const { tarballs, npmCache } = vendor(vendored);
const results = new Map<string, Measured[]>(builds.map(([name]) => [name, []]));
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, bin] of builds) {
    const measured = await measure(bin, tarballs, npmCache);
    results.get(name)!.push(measured);
    process.stderr.write(`round ${round + 1} ${name}: ${measured.setupRuns} setup runs, ${(measured.wallMs / 1000).toFixed(1)} s wall, ${(measured.cpuMs / 1000).toFixed(1)} s CPU\n`);
  }
}
rmSync(vendored, { recursive: true, force: true });

const figures: Figure[] = [];
for (const [name, runs] of results) {
  figures.push(emit({ name: `setup runs (${name})`, value: median(runs.map((r) => r.setupRuns)), unit: 'runs' }));
  figures.push(emit({ name: `wall time (${name})`, value: median(runs.map((r) => r.wallMs)), unit: 'ms' }));
  figures.push(emit({ name: `CPU user+sys (${name})`, value: median(runs.map((r) => r.cpuMs)), unit: 'ms' }));
}
table(`setup: ${TASKS} tasks over ${ROLES} roles, offline npm ci of ${PACKAGES.length} packages, ${values.rounds} alternating rounds (medians)`, figures);
