/**
 * Orchestration overhead with sim agents that take zero time (`node dist/bench/orchestration.js`):
 * a dry-run of N independent tasks through the real CLI, supervisor, actors and board, at 1, 2, 4
 * and 8 parallel slots. Per-task overhead = dispatch → merged on the board at 1 slot (the agent
 * takes no time, so all of it is loop); tasks/s = tasks / (first dispatch → last merge).
 * Targets (DESIGN §6): overhead per task p50 ≤ 100 ms; ≥ 15 tasks/s.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emit, median, percentile, readEvents, runLoop, scratch, simBenchConfig, table, timings, writePlanFile, type Figure } from './lib.js';

const TASKS = Number(process.env['BENCH_TASKS'] ?? 40);
const SLOTS = [1, 2, 4, 8];

async function measure(slots: number): Promise<{ perTaskMs: number[]; wallMs: number }> {
  const dir = scratch('loop-bench-orch-');
  writeFileSync(join(dir, 'loop.config.yaml'), simBenchConfig({ roles: 8, maxParallel: slots }));
  const plan = writePlanFile(dir, Array.from({ length: TASKS }, (_, i) => ({ id: `t${i + 1}`, role: `r${(i % 8) + 1}` })));
  const run = await runLoop(['run', 'benchmark', '--plan', plan, '--run', 'bench'], dir, { LOOP_HOME: join(dir, '.home') });
  if (run.code !== 0) throw new Error(`loop run exited ${run.code}:\n${run.output}`);
  const result = timings(readEvents(dir, 'bench'));
  rmSync(dir, { recursive: true, force: true });
  if (result.merged !== TASKS) throw new Error(`only ${result.merged} of ${TASKS} tasks merged`);
  return result;
}

const figures: Figure[] = [];
for (const slots of SLOTS) {
  const { perTaskMs, wallMs } = await measure(slots);
  if (slots === 1) {
    figures.push(emit({ name: 'orchestration overhead per task p50 (dry-run, 1 slot)', value: median(perTaskMs), unit: 'ms', target: 100, kind: 'max', samples: perTaskMs.length }));
    figures.push(emit({ name: 'orchestration overhead per task p99 (dry-run, 1 slot)', value: percentile(perTaskMs, 99), unit: 'ms', samples: perTaskMs.length }));
  }
  figures.push(emit({ name: `tasks/s with ${slots} slot${slots === 1 ? '' : 's'} (dry-run)`, value: TASKS / (wallMs / 1000), unit: 'tasks/s', target: 15, kind: 'min', samples: TASKS }));
}
table(`orchestration, ${TASKS} zero-time sim tasks, no git (command: node dist/bench/orchestration.js)`, figures);
