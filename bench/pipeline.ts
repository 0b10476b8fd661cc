/**
 * The full execute pipeline with instant agents (`node dist/bench/pipeline.js`): per task a slot is
 * re-pointed at the integration head, the sim agent writes a file, the gate captures it, checks
 * protected files and runs an instant test command (one TAP line), the sim critic reviews the real diff in its
 * own slot, and the merge queue merges, re-tests and advances the branch — real git throughout,
 * on generated 200-file and 5000-file repositories. Targets (DESIGN §6): overhead per task p50
 * ≤ 100 ms (200 files), ≥ 15 tasks/s with instant agents.
 *
 * Beside time, per task: the git processes the run started (every git writes its start event to a
 * `GIT_TRACE2_EVENT` file) and the CPU time (user + system) of the run's whole process tree.
 *   --only 200x1,5000x4     settings to measure (files x slots; default all six)
 *   --rounds N              repeat each setting N times (default 1)
 *   --tasks N               tasks per run (default 30 at 200 files, 20 at 5000; more make the run's
 *                           fixed start and end, slot checkouts included, weigh less per task)
 *   --compare <main.js>     also run another build's CLI (e.g. main's dist/src/cli/main.js),
 *                           alternating with this one in every round, and print both side by side
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { childrenCpuMs, emit, gitProcesses, LOOP_BIN, median, readEvents, runLoop, scratch, simBenchConfig, table, timings, writePlanFile, type Figure } from './lib.js';

/** An instant suite that still prints a test summary (a command printing none, such as `true`, is not a green run). */
const INSTANT_TESTS = "printf 'TAP version 13\\nok 1 - instant\\n1..1\\n# pass 1\\n# fail 0\\n'";

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };

function makeRepo(files: number): string {
  const dir = scratch(`loop-bench-pipe-${files}-`);
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'src', `mod${i % 50}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file${i}.js`), `export const value${i} = ${i};\n// ${'x'.repeat(200)}\n`);
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'generated'], { cwd: dir, env: GIT_ENV });
  return dir;
}

interface Measured {
  perTaskMs: number[];
  wallMs: number;
  gitPerTask: number;
  cpuPerTaskMs: number | null;
  byCommand: Map<string, number>;
}

async function measure(bin: string, files: number, slots: number, tasks: number): Promise<Measured> {
  const dir = makeRepo(files);
  writeFileSync(join(dir, 'loop.config.yaml'), simBenchConfig({ roles: 8, maxParallel: slots, testCommand: INSTANT_TESTS }));
  execFileSync('git', ['add', 'loop.config.yaml'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'config'], { cwd: dir, env: GIT_ENV });
  const planDir = scratch('loop-bench-plan-');
  const plan = writePlanFile(planDir, Array.from({ length: tasks }, (_, i) => ({ id: `t${i + 1}`, role: `r${(i % 8) + 1}` })));
  const home = scratch('loop-bench-home-');
  const trace = join(planDir, 'git-trace2.json');
  const before = childrenCpuMs();
  const run = await runLoop(['run', 'benchmark', '--execute', '--plan', plan, '--run', 'bench'], dir, { ...GIT_ENV, LOOP_HOME: home, GIT_TRACE2_EVENT: trace }, bin);
  const after = childrenCpuMs();
  if (run.code !== 0) throw new Error(`loop run exited ${run.code}:\n${run.output}`);
  const result = timings(readEvents(dir, 'bench'));
  const git = gitProcesses(trace);
  // removed when the bench ends, not now: mass deletions slow the next measurement's file creation
  // for a minute on ext4 without a journal (research/machine-limits.md §1)
  leftovers.push(dir, planDir, home);
  if (result.merged !== tasks) throw new Error(`only ${result.merged} of ${tasks} tasks merged`);
  const cpuPerTaskMs = before && after ? (after.userMs + after.sysMs - before.userMs - before.sysMs) / tasks : null;
  return { perTaskMs: result.perTaskMs, wallMs: result.wallMs, gitPerTask: git.total / tasks, cpuPerTaskMs, byCommand: git.byCommand };
}

const { values } = parseArgs({ options: { only: { type: 'string' }, rounds: { type: 'string', default: '1' }, tasks: { type: 'string' }, compare: { type: 'string' } } });
const SETTINGS = [[200, 1], [200, 2], [200, 4], [5000, 1], [5000, 2], [5000, 4]] as const;
const only = values.only?.split(',').map((s) => s.trim());
const settings = SETTINGS.filter(([files, slots]) => !only || only.includes(`${files}x${slots}`));
const rounds = Math.max(1, Number(values.rounds));
const builds: [string, string][] = values.compare ? [['this', LOOP_BIN], ['other', values.compare]] : [['this', LOOP_BIN]];

const leftovers: string[] = [];
process.on('exit', () => {
  for (const d of leftovers) rmSync(d, { recursive: true, force: true });
});

const figures: Figure[] = [];
const rows: string[][] = [];
for (const [files, slots] of settings) {
  const tasks = values.tasks ? Math.max(1, Number(values.tasks)) : files === 200 ? 30 : 20;
  const target = files === 200 ? 100 : 200;
  const samples = new Map<string, Measured[]>(builds.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // alternate which build goes first, so a change of load between them weighs on both
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const [name, bin] of order) samples.get(name)!.push(await measure(bin, files, slots, tasks));
  }
  for (const [name] of builds) {
    const runs = samples.get(name)!;
    const label = builds.length > 1 ? ` [${name}]` : '';
    const setting = `${files} files, ${slots} slot${slots === 1 ? '' : 's'}`;
    const tps = median(runs.map((r) => tasks / (r.wallMs / 1000)));
    const git = median(runs.map((r) => r.gitPerTask));
    const cpu = runs.every((r) => r.cpuPerTaskMs !== null) ? median(runs.map((r) => r.cpuPerTaskMs!)) : null;
    // The first tasks also create the worktree slots; the steady state is what a long run sees.
    const steady = median(runs.map((r) => median(r.perTaskMs.slice(2))));
    if (slots === 1) figures.push(emit({ name: `overhead per task p50, ${setting}${label}`, value: steady, unit: 'ms', target, kind: 'max', samples: runs.length }));
    figures.push(emit({ name: `tasks/s, ${setting}${label}`, value: tps, unit: 'tasks/s', target: files === 200 ? 15 : 6, kind: 'min', samples: runs.length }));
    figures.push(emit({ name: `git processes per task, ${setting}${label}`, value: git, unit: 'processes', samples: runs.length }));
    if (cpu !== null) figures.push(emit({ name: `CPU (user+sys, whole run) per task, ${setting}${label}`, value: cpu, unit: 'ms', samples: runs.length }));
    const top = [...runs[0]!.byCommand].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([c, n]) => `${c} ${(n / tasks).toFixed(1)}`).join(', ');
    rows.push([`${setting}${label}`, top]);
  }
}
table('full pipeline with instant sim agents: slot re-point, agent, gate (capture, tamper, tests), critic, merge queue (command: node dist/bench/pipeline.js)', figures);
process.stdout.write('\ngit processes per task by subcommand (first round)\n');
for (const [setting, top] of rows) process.stdout.write(`  ${setting}: ${top}\n`);
