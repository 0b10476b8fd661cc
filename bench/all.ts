/** Runs every benchmark, one after the other, each in its own process (`npm run bench`). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['ipc', 'board', 'board-nats', 'workers', 'orchestration', 'scale', 'makespan', 'pipeline', 'trains', 'learn', 'dashboard', 'pane-lag'];
let failed = 0;
for (const name of benches) {
  process.stdout.write(`\n=== bench/${name} ===\n`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(`./${name}.js`, import.meta.url))], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed > 0 ? 1 : 0;
