/**
 * Shared helpers of the benchmarks (run by hand, never by `npm test`): statistics, the targets of
 * DESIGN.md §6, a JSON line per figure and a closing table with the ratio to each target.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The DESIGN.md §6 target, when there is one. */
  target?: number;
  /** 'max' = lower is better (value must stay under the target); 'min' = higher is better. */
  kind?: 'max' | 'min';
  samples?: number;
  note?: string;
}

export { median, percentile } from '../src/util/stats.js';

/** Prints one JSON line per figure as it is measured. */
export function emit(figure: Figure): Figure {
  process.stdout.write(`${JSON.stringify({ bench: figure.name, value: round(figure.value), unit: figure.unit, target: figure.target ?? null, ratio: ratio(figure), samples: figure.samples ?? null, note: figure.note ?? null })}\n`);
  return figure;
}

export function ratio(figure: Figure): number | null {
  if (figure.target === undefined) return null;
  return round(figure.kind === 'min' ? figure.target / figure.value : figure.value / figure.target);
}

export function table(title: string, figures: readonly Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${round(f.value)} ${f.unit}`,
    f.target === undefined ? '' : `${f.kind === 'min' ? '≥' : '≤'} ${f.target} ${f.unit}`,
    ratio(f) === null ? '' : `${ratio(f)}${(ratio(f) ?? 0) <= 1 ? ' ok' : ' MISSED'}`,
    f.note ?? '',
  ]);
  const header = ['figure', 'measured', 'target', 'ratio', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  process.stdout.write(`\n${title}\n`);
  for (const row of [header, ...rows]) process.stdout.write(`  ${row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  process.stdout.write('  (ratio = measured / target for "≤" targets, target / measured for "≥" targets; ≤ 1 meets the target)\n');
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

export const LOOP_BIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the real `loop` CLI and resolves with its exit code and output. */
export function runLoop(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, bin = LOOP_BIN): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

export type BoardLine = { type: string; ts: number; seq: number; taskId?: string; [key: string]: unknown };

export function readEvents(dir: string, runId: string): BoardLine[] {
  return readFileSync(join(dir, '.loop', 'runs', runId, 'board', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BoardLine);
}

/** Per task: first dispatch → merge, and the run's first dispatch → last merge. */
export function timings(events: readonly BoardLine[]): { perTaskMs: number[]; wallMs: number; merged: number } {
  const dispatched = new Map<string, number>();
  const merged = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'task.dispatched' && e.taskId && !dispatched.has(e.taskId)) dispatched.set(e.taskId, e.ts);
    if (e.type === 'task.merged' && e.taskId) merged.set(e.taskId, e.ts);
  }
  const perTaskMs = [...merged].map(([id, ts]) => ts - dispatched.get(id)!);
  const wallMs = Math.max(...merged.values()) - Math.min(...dispatched.values());
  return { perTaskMs, wallMs, merged: merged.size };
}

/** A config whose roles r1..rN all use zero-latency sim agents, plus a sim critic. */
export function simBenchConfig(options: { roles: number; maxParallel: number; concurrency?: number; latencyMs?: number; jitterMs?: number; testCommand?: string }): string {
  return stringify({
    version: 1,
    providers: {
      sim: { type: 'sim', sim: { latencyMs: options.latencyMs ?? 0, jitterMs: options.jitterMs ?? 0 } },
      'sim-critic': { type: 'sim' },
    },
    roles: [
      ...Array.from({ length: options.roles }, (_, i) => ({ name: `r${i + 1}`, provider: 'sim', concurrency: options.concurrency ?? 1 })),
      { name: 'qa', provider: 'sim-critic' },
    ],
    loop: { reviewer: 'qa', maxParallel: options.maxParallel, ...(options.testCommand ? { testCommand: options.testCommand, setup: 'true' } : {}) },
  });
}

export function writePlanFile(dir: string, tasks: Array<{ id: string; role: string; dependsOn?: string[]; files?: string[] }>): string {
  const file = join(dir, 'bench-plan.yaml');
  writeFileSync(file, stringify({ tasks: tasks.map((t) => ({ title: `Task ${t.id}`, dependsOn: [], ...t })) }));
  return file;
}

/**
 * CPU time (user and system, ms) of this process's children that have exited and been waited
 * for, with everything they waited for in turn: read before and after a `runLoop`, the difference
 * is the whole process tree of that run (10 ms ticks). Null where /proc is missing.
 */
export function childrenCpuMs(): { userMs: number; sysMs: number } | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return null;
  }
  // fields after "pid (comm) ": state is field 3, cutime 16 and cstime 17 (1-based)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { userMs: Number(fields[13]) * 10, sysMs: Number(fields[14]) * 10 };
}

/**
 * Git processes started, from a `GIT_TRACE2_EVENT` file every git writes its events to (git's own
 * children, such as the `reset --hard` of `worktree add`, included), grouped by subcommand.
 */
export function gitProcesses(traceFile: string): { total: number; byCommand: Map<string, number> } {
  const byCommand = new Map<string, number>();
  let total = 0;
  let text = '';
  try {
    text = readFileSync(traceFile, 'utf8');
  } catch {
    return { total, byCommand };
  }
  for (const line of text.split('\n')) {
    if (!line.includes('"event":"start"')) continue;
    const argv = (JSON.parse(line) as { argv: string[] }).argv;
    let i = 1;
    while (argv[i] === '-c' || argv[i] === '-C') i += 2;
    const command = argv[i] ?? '?';
    byCommand.set(command, (byCommand.get(command) ?? 0) + 1);
    total++;
  }
  return { total, byCommand };
}
