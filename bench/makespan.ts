/**
 * Makespan against the critical-path bound (`node dist/bench/makespan.js`): a layered plan of sim
 * tasks whose agents take a deterministic spread of times (200-800 ms), with as many slots as the
 * widest layer, so no schedule can beat the longest dependency chain of agent times and a perfect
 * scheduler with zero overhead would match it exactly. loop's makespan is first dispatch → last
 * merge on the board; the gap is what orchestration costs along the chain. The capacity bound
 * (agent time / slots) is printed too. Target (DESIGN §6): within 5 % of the critical-path bound.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emit, readEvents, runLoop, scratch, simBenchConfig, table, timings, writePlanFile, type BoardLine } from './lib.js';

const LAYERS = 4;
const WIDTH = 6;
const PARALLEL = WIDTH;

const dir = scratch('loop-bench-makespan-');
writeFileSync(join(dir, 'loop.config.yaml'), simBenchConfig({ roles: 4, concurrency: PARALLEL, maxParallel: PARALLEL, latencyMs: 200, jitterMs: 600 }));
const tasks: Array<{ id: string; role: string; dependsOn: string[] }> = [];
for (let layer = 0; layer < LAYERS; layer++) {
  for (let i = 0; i < WIDTH; i++) {
    const deps = layer === 0 ? [] : [`l${layer - 1}-${i}`, `l${layer - 1}-${(i + 1) % WIDTH}`];
    tasks.push({ id: `l${layer}-${i}`, role: `r${(i % 4) + 1}`, dependsOn: deps });
  }
}
const plan = writePlanFile(dir, tasks);
const run = await runLoop(['run', 'makespan', '--plan', plan, '--run', 'bench'], dir, { LOOP_HOME: join(dir, '.home') });
if (run.code !== 0) throw new Error(`loop run exited ${run.code}:\n${run.output}`);
const events = readEvents(dir, 'bench');
rmSync(dir, { recursive: true, force: true });

const agentMs = new Map<string, number>();
for (const e of events as BoardLine[]) if (e.type === 'attempt.finished' && e.taskId) agentMs.set(e.taskId, Number(e['durationMs']));
const finish = new Map<string, number>();
const chain = (id: string): number => {
  const known = finish.get(id);
  if (known !== undefined) return known;
  const task = tasks.find((t) => t.id === id)!;
  const value = Math.max(0, ...task.dependsOn.map(chain)) + agentMs.get(id)!;
  finish.set(id, value);
  return value;
};
const criticalPath = Math.max(...tasks.map((t) => chain(t.id)));
const capacity = [...agentMs.values()].reduce((a, b) => a + b, 0) / PARALLEL;
const bound = Math.max(criticalPath, capacity);
const { wallMs } = timings(events);
table(`makespan, ${tasks.length} sim tasks in ${LAYERS} layers, agents 200-800 ms, ${PARALLEL} slots (command: node dist/bench/makespan.js)`, [
  emit({ name: 'critical-path bound (longest chain of agent times)', value: criticalPath, unit: 'ms' }),
  emit({ name: 'capacity bound (agent time / slots)', value: capacity, unit: 'ms' }),
  emit({ name: 'makespan (first dispatch → last merge)', value: wallMs, unit: 'ms' }),
  emit({ name: 'makespan / max(critical path, capacity)', value: wallMs / bound, unit: '×', target: 1.05, kind: 'max' }),
]);
