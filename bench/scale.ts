/**
 * Cost per task as a run grows (`node dist/bench/scale.js [--sizes 10,100,1000] [--git 10,100]`):
 * the same plan shape (8 chains of dependent tasks over 8 roles, zero-time sim agents, maxParallel
 * 8) at each size, through the real CLI. Per task: wall time of the whole `loop run` process and
 * CPU time of it and everything it started (actors, git), from this process's reaped-children
 * counters. Dry-run by default (no git); `--git` adds --execute runs on a generated 200-file
 * repository. A flat curve means nothing in a run costs more per task as the plan grows; the
 * marginal CPU per task (between two sizes, so the fixed start-up cost drops out) is the cleanest
 * reading of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reapedChildrenCpuMs } from '../src/bench/proc-sample.js';
import { emit, readEvents, runLoop, scratch, simBenchConfig, table, timings, writePlanFile, type Figure } from './lib.js';

const GIT_ENV = { GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };

const childrenCpuMs = (): number => reapedChildrenCpuMs() ?? Number.NaN;

function generatedRepo(files: number): string {
  const dir = scratch('loop-bench-scale-repo-');
  for (let i = 0; i < files; i++) {
    mkdirSync(join(dir, 'src', `mod${i % 20}`), { recursive: true });
    writeFileSync(join(dir, 'src', `mod${i % 20}`, `file${i}.js`), `export const value${i} = ${i};\n`);
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'generated'], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
  return dir;
}

async function measure(tasks: number, git: boolean): Promise<{ wallMs: number; cpuMs: number; makespanMs: number }> {
  const dir = git ? generatedRepo(200) : scratch('loop-bench-scale-');
  writeFileSync(join(dir, 'loop.config.yaml'), simBenchConfig({ roles: 8, maxParallel: 8, ...(git ? { testCommand: 'true' } : {}) }));
  if (git) {
    execFileSync('git', ['add', 'loop.config.yaml'], { cwd: dir });
    execFileSync('git', ['commit', '-q', '-m', 'config'], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
  }
  const planDir = scratch('loop-bench-scale-plan-');
  const plan = writePlanFile(planDir, Array.from({ length: tasks }, (_, i) => ({ id: `t${i + 1}`, role: `r${(i % 8) + 1}`, ...(i >= 8 ? { dependsOn: [`t${i + 1 - 8}`] } : {}) })));
  const home = scratch('loop-bench-scale-home-');
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const run = await runLoop(['run', 'scale', '--plan', plan, '--run', 'bench', ...(git ? ['--execute'] : [])], dir, { ...GIT_ENV, LOOP_HOME: home });
  const wallMs = performance.now() - started;
  const cpuMs = childrenCpuMs() - cpuBefore;
  if (run.code !== 0) throw new Error(`loop run exited ${run.code}:\n${run.output.slice(-3000)}`);
  const { merged, wallMs: makespanMs } = timings(readEvents(dir, 'bench'));
  for (const d of [dir, planDir, home]) rmSync(d, { recursive: true, force: true });
  if (merged !== tasks) throw new Error(`only ${merged} of ${tasks} tasks merged`);
  return { wallMs, cpuMs, makespanMs };
}

function sizes(flag: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(flag);
  if (at < 0) return fallback;
  return (process.argv[at + 1] ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

const figures: Figure[] = [];
for (const [git, list] of [[false, sizes('--sizes', [10, 100, 1000])], [true, sizes('--git', [])]] as const) {
  const mode = git ? '--execute, 200 files' : 'dry-run';
  const perTask: number[] = [];
  const cpu: number[] = [];
  for (const tasks of list) {
    const { wallMs, cpuMs, makespanMs } = await measure(tasks, git);
    perTask.push(makespanMs / tasks);
    cpu.push(cpuMs);
    figures.push(emit({ name: `${tasks} tasks (${mode}): first dispatch → last merge, per task`, value: makespanMs / tasks, unit: 'ms', samples: tasks }));
    figures.push(emit({ name: `${tasks} tasks (${mode}): whole process wall, per task`, value: wallMs / tasks, unit: 'ms', samples: tasks }));
    figures.push(emit({ name: `${tasks} tasks (${mode}): CPU of loop and all it started, per task`, value: cpuMs / tasks, unit: 'ms', samples: tasks }));
  }
  const marginal = list.slice(1).map((n, i) => (cpu[i + 1]! - cpu[i]!) / (n - list[i]!));
  marginal.forEach((value, i) => figures.push(emit({ name: `${mode}: marginal CPU per task from ${list[i]} to ${list[i + 1]} tasks`, value, unit: 'ms' })));
  if (marginal.length > 1) {
    figures.push(emit({ name: `${mode}: marginal CPU per task, last ÷ first step (flat = 1)`, value: marginal.at(-1)! / marginal[0]!, unit: '×', target: 1.25, kind: 'max' }));
  }
  if (perTask.length > 1) {
    figures.push(emit({ name: `${mode}: per-task makespan at ${list.at(-1)} ÷ at ${list[0]} tasks (flat = 1)`, value: perTask.at(-1)! / perTask[0]!, unit: '×', target: 1.25, kind: 'max' }));
  }
}
table('cost per task as the plan grows: 8 chains over 8 roles, zero-time sim agents, maxParallel 8 (command: node dist/bench/scale.js)', figures);
