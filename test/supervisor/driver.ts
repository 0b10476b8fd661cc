/**
 * A supervisor in its own process, for the test that kills the supervisor with kill -9: it starts
 * two workers that each adopt an agent group, prints `{actors, agents}` pids as one JSON line, and
 * waits to be killed. Without `--serve` (node --test runs every file under test/) it does nothing.
 */
import { Supervisor } from '../../supervisor/supervisor.js';
import { worker } from './helpers.js';

if (process.argv[2] === '--serve') {
  const sup = new Supervisor({ type: 'supervisor', id: 'root', children: [worker('x', { adoptOnStart: true }), worker('y', { adoptOnStart: true })] });
  const agents: number[] = [];
  sup.on((event) => {
    if (event.type === 'frame' && event.body.type === 'progress' && event.body.note === 'agent-started' && event.body.pid !== undefined) {
      agents.push(event.body.pid);
    }
  });
  await sup.start();
  process.stdout.write(`${JSON.stringify({ actors: [sup.pidOf('x'), sup.pidOf('y')], agents })}\n`);
  setInterval(() => {}, 1 << 30);
}
