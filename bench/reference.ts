/**
 * The side-by-side reference workload (`node dist/bench/reference.js [runs]`): 16 independent
 * tasks over 4 roles, instant agents, a `node --test` suite of ~0.5 s, run by loop and by
 * loop-orchestrator 0.4.0 (the product loop replaces) on fresh copies of the same repository,
 * alternating A B A B so drifting machine speed hits both. Whole-process wall time, from the CLI's
 * start to its exit; medians and the ratio of the medians.
 *
 * loop-orchestrator is downloaded at bench time with `npm pack loop-orchestrator@0.4.0` (its code
 * is never part of this repository) into $LOOP_BENCH_OLD (default /tmp/loop-bench-old). It is run
 * as its research notes say it works: fake `claude` given by absolute path, `.loop` ignored without
 * a trailing slash, one loop with `isolate: true`, `maxParallel: 4`, and `pollSeconds` at its
 * default (8) and at its fastest (1). Its fake agent is a shell script (a few ms); loop's agents
 * are its built-in sim agents with no latency. tmux, which it needs, runs on a private socket.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { LOOP_BIN, median, scratch } from './lib.js';

const TASKS = 16;
const ROLES = 4;
const RUNS = Number(process.argv[2] ?? 3);
const OLD_DIR = process.env['LOOP_BENCH_OLD'] ?? '/tmp/loop-bench-old';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };

function oldCli(): string {
  const cli = join(OLD_DIR, 'package', 'dist', 'cli.js');
  if (existsSync(cli)) return cli;
  mkdirSync(OLD_DIR, { recursive: true });
  process.stdout.write(`downloading loop-orchestrator@0.4.0 into ${OLD_DIR}…\n`);
  execFileSync('npm', ['pack', 'loop-orchestrator@0.4.0'], { cwd: OLD_DIR, stdio: 'ignore' });
  execFileSync('tar', ['xzf', 'loop-orchestrator-0.4.0.tgz'], { cwd: OLD_DIR });
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: join(OLD_DIR, 'package'), stdio: 'ignore' });
  return cli;
}

const roles = Array.from({ length: ROLES }, (_, i) => `r${i + 1}`);
const tasks = Array.from({ length: TASKS }, (_, i) => ({ id: `t${i + 1}`, role: roles[i % ROLES]! }));

function template(root: string): string {
  const dir = join(root, 'template');
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'reference', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`);
  writeFileSync(join(dir, 'test', 'suite.test.js'), "import { test } from 'node:test';\ntest('the suite takes half a second', () => new Promise((resolve) => setTimeout(resolve, 500)));\n");
  writeFileSync(join(dir, '.gitignore'), '.loop\nnode_modules\n');
  writeFileSync(join(dir, 'brief.md'), 'Sixteen small independent features.\n');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'reference workload'], { cwd: dir, env: GIT_ENV });
  return dir;
}

/** The old product's agents: planner, implementer and critic in one instant shell script, answering in claude's JSON. */
function fakeClaude(bin: string, planFile: string): void {
  mkdirSync(bin, { recursive: true });
  const done = (text: string): string => JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: text, total_cost_usd: 0 });
  writeFileSync(planFile, done(JSON.stringify(tasks.map((t) => ({ title: `Feature ${t.id}`, assignee: t.role, description: `Add work-${t.id}.txt`, acceptanceCriteria: ['the file exists'], dependsOn: [], priority: 1 })))));
  writeFileSync(join(bin, 'claude'), [
    '#!/bin/sh',
    'prompt="$2"',
    'case "$prompt" in',
    `  *"Decompose this GOAL"*) cat '${planFile}' ;;`,
    `  *"INDEPENDENT reviewer"*) printf '%s' '${done(JSON.stringify({ verdict: 'accept', reasons: ['looks right'] }))}' ;;`,
    '  *) id=$(printf "%s\\n" "$prompt" | sed -n "s/^TASK \\(t[0-9]*\\):.*/\\1/p" | head -n 1)',
    '     echo "$id" > "work-$id.txt"',
    `     printf '%s' '${done('done')}' ;;`,
    'esac',
    '',
  ].join('\n'));
  chmodSync(join(bin, 'claude'), 0o755);
}

/** tmux on a private socket: the old product calls plain `tmux`, and the default server is not ours. */
function privateTmux(bin: string, socket: string): void {
  const real = execFileSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'tmux'), `#!/bin/sh\nexec '${real}' -L '${socket}' "$@"\n`);
  chmodSync(join(bin, 'tmux'), 0o755);
}

function oldConfig(claude: string, pollSeconds: number): string {
  return stringify({
    version: 1,
    projects: [{
      name: 'reference',
      providers: { fake: { type: 'claude', command: claude } },
      roles: [
        { name: 'pm', title: 'Product manager', provider: 'fake' },
        ...roles.map((name) => ({ name, title: 'Engineer', provider: 'fake' })),
        { name: 'qa', title: 'QA', provider: 'fake' },
      ],
      loops: [{ name: 'main', pollSeconds, maxParallel: ROLES, orchestrator: 'pm', reviewer: 'qa', isolate: true, maxIterations: 8 }],
    }],
  });
}

function newConfig(): string {
  return stringify({
    version: 1,
    providers: { sim: { type: 'sim', sim: { latencyMs: 0 } }, 'sim-critic': { type: 'sim' } },
    roles: [...roles.map((name) => ({ name, provider: 'sim' })), { name: 'qa', provider: 'sim-critic' }],
    loop: { reviewer: 'qa', maxParallel: ROLES },
  });
}

interface Timed { wallMs: number; ok: boolean; detail: string }

function timed(run: () => { status: number | null; output: string }, ok: (status: number | null) => boolean): Timed {
  const started = performance.now();
  const result = run();
  return { wallMs: performance.now() - started, ok: ok(result.status), detail: result.output.slice(-2000) };
}

const root = scratch('loop-bench-reference-');
const bin = join(root, 'bin');
const socket = `loop-bench-ref-${process.pid}`;
const templateDir = template(root);
fakeClaude(bin, join(root, 'plan.json'));
privateTmux(bin, socket);
const planFile = join(root, 'plan.yaml');
writeFileSync(planFile, stringify({ tasks: tasks.map((t) => ({ id: t.id, title: `Feature ${t.id}`, role: t.role, dependsOn: [], acceptance: ['the file exists'], files: [`work-${t.id}.txt`] })) }));
const cli = oldCli();

function fresh(name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(templateDir, dir, { recursive: true });
  return dir;
}

function runNew(): Timed {
  const dir = fresh('new');
  writeFileSync(join(dir, 'loop.config.yaml'), newConfig());
  execFileSync('git', ['add', 'loop.config.yaml'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'config'], { cwd: dir, env: GIT_ENV });
  const home = join(root, 'home');
  const t = timed(() => {
    const r = spawnSync(process.execPath, [LOOP_BIN, 'run', 'sixteen features', '--execute', '--plan', planFile, '--run', 'ref', '--no-tmux'], { cwd: dir, env: { ...GIT_ENV, LOOP_HOME: home, NO_COLOR: '1' }, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }, (status) => status === 0);
  const merged = t.ok ? execFileSync('git', ['ls-files', 'work-*'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean).length : 0;
  rmSync(home, { recursive: true, force: true });
  return { ...t, ok: t.ok && merged === TASKS, detail: `${merged} files landed on main\n${t.detail}` };
}

function runOld(pollSeconds: number): Timed {
  const dir = fresh('old');
  writeFileSync(join(dir, 'loop.config.yaml'), oldConfig(join(bin, 'claude'), pollSeconds));
  execFileSync('git', ['add', 'loop.config.yaml'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'config'], { cwd: dir, env: GIT_ENV });
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const t = timed(() => {
    const r = spawnSync(process.execPath, [cli, 'run', 'sixteen features', '--execute', '--run', 'ref'], { cwd: dir, env: { ...GIT_ENV, PATH: `${bin}:${process.env['PATH']}`, TMPDIR: tmp }, encoding: 'utf8', timeout: 600_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }, (status) => status === 0);
  spawnSync(join(bin, 'tmux'), ['kill-server'], { stdio: 'ignore' });
  // it merges into the checked-out branch: count the features that reached it
  const merged = execFileSync('git', ['ls-files', 'work-*'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean).length;
  rmSync(tmp, { recursive: true, force: true });
  return { ...t, ok: t.ok && merged === TASKS, detail: `${merged} files landed on main\n${t.detail}` };
}

const rows: { name: string; times: number[] }[] = [{ name: 'loop', times: [] }, { name: 'loop-orchestrator 0.4.0, pollSeconds 8 (default)', times: [] }, { name: 'loop-orchestrator 0.4.0, pollSeconds 1', times: [] }];
for (let i = 0; i < RUNS; i++) {
  const runs = [runNew(), runOld(8), runOld(1)];
  runs.forEach((r, k) => {
    if (!r.ok) throw new Error(`${rows[k]!.name}: the run did not deliver all ${TASKS} tasks:\n${r.detail}`);
    rows[k]!.times.push(r.wallMs);
    process.stdout.write(`${JSON.stringify({ bench: `reference workload wall time, ${rows[k]!.name}`, run: i + 1, value: Math.round(r.wallMs), unit: 'ms' })}\n`);
  });
}
const ours = median(rows[0]!.times);
process.stdout.write(`\nreference workload: ${TASKS} tasks over ${ROLES} roles, instant agents, a ~0.5 s node --test suite; whole-process wall time, median of ${RUNS} alternating runs (command: node dist/bench/reference.js ${RUNS})\n`);
for (const row of rows) {
  const m = median(row.times);
  const ratio = row === rows[0] ? '' : `  loop is ${(m / ours).toFixed(1)}× faster (target ${row.name.includes('pollSeconds 1') ? '≥ 4×' : '≥ 15×'})`;
  process.stdout.write(`  ${row.name.padEnd(48)} ${(m / 1000).toFixed(2)} s (${row.times.map((t) => (t / 1000).toFixed(2)).join(', ')})${ratio}\n`);
}
rmSync(root, { recursive: true, force: true });
