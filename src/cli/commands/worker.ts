/** `loop worker --server URL --roles a,b`: take the roles' tasks from a run on `loop.nats.dispatch: workers`. */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { UserError } from '../../util/errors.js';
import { loopHome } from '../../util/paths.js';

export class WorkerCommand extends LoopCommand {
  static override paths = [['worker']];
  static override usage = Command.Usage({
    description: 'take tasks of the given roles from runs whose config says `loop.nats.dispatch: workers`',
    details: `
      Connects to the NATS server with the workers' identity (worker.nk from \`loop nats setup\`: it can take work and report results, never write a board), then pulls tasks of each role in --roles from their work queues, at most --slots at a time, across every run on that server. Each task runs the role's agent exactly as the supervisor's own actor would; the worker holds the task's lease while the agent runs and reports the result. A worker that dies loses its lease: the supervisor counts a crash and retries the task (on any worker).

      The worker needs git access to the repository's remote (\`loop.nats.remote\`, default origin) and its own logins of the agent CLIs; not the config nor the repository. It clones the remote once under $LOOP_HOME/worker/, fetches before each task, works in its own worktree slots (running the repository's setup there), commits the agent's work and pushes the task branch with --force-with-lease; the supervisor fetches it and runs its gate, critic and merges on it. A worker that cannot reach the remote says so in one line and the task is retried.

      Ctrl-C (or SIGTERM) stops taking tasks, stops the running agents and exits.
    `,
    examples: [
      ['Serve the backend and frontend roles, two at a time', '$0 worker --server nats://10.0.0.5:4222 --roles backend,frontend --slots 2'],
    ],
  });

  server = Option.String('--server', { required: true, description: 'the NATS server, nats://host:port' });
  roles = Option.String('--roles', { required: true, description: 'comma-separated roles this worker takes tasks of' });
  slots = Option.String('--slots', '1', { description: 'tasks at once (default 1)' });
  nkey = Option.String('--nkey', { description: 'the workers\' nkey seed (default $LOOP_HOME/nats/worker.nk)' });
  creds = Option.String('--creds', { description: 'a .creds file instead of an nkey' });
  name = Option.String('--name', { description: 'how this worker is shown (default host:pid)' });

  async run(): Promise<number> {
    const roles = this.roles.split(',').map((role) => role.trim()).filter((role) => role.length > 0);
    if (roles.length === 0) throw new UserError('--roles is empty; name the roles this worker takes, e.g. --roles backend,frontend');
    const slots = Number(this.slots);
    if (!Number.isInteger(slots) || slots < 1) throw new UserError(`--slots ${this.slots}: give a whole number of 1 or more`);
    const nkey = this.creds === undefined ? resolve(this.nkey ?? join(loopHome(this.context.env), 'nats', 'worker.nk')) : undefined;
    if (nkey !== undefined && !existsSync(nkey)) throw new UserError(`no nkey seed at ${nkey}; copy worker.nk from the machine where \`loop nats setup\` ran, or pass --nkey`);
    const settings = { url: this.server, ...(nkey === undefined ? {} : { nkey }), ...(this.creds === undefined ? {} : { creds: resolve(this.creds) }) };
    // Loaded here: the NATS client costs ~100 ms to import and no other command needs it.
    const [{ connectNats }, { runWorkerLoop }, { WorkerSme }, { WorkerRepos }, { handleRemoteJob }] = await Promise.all([
      import('../../nats/connect.js'), import('../../nats/worker-pull.js'), import('../../nats/worker-sme.js'),
      import('../../nats/worker-repos.js'), import('../../nats/worker-attempt.js'),
    ]);
    const home = loopHome(this.context.env);
    const worker = this.name ?? `${hostname()}:${process.pid}`;
    const say = (line: string): void => void this.context.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);
    const nc = await connectNats(settings, `loop worker ${worker}`);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort('the worker was stopped');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const sme = new WorkerSme(say);
    const repos = new WorkerRepos(home, say);
    say(`worker ${worker} · roles ${roles.join(', ')} · ${slots} slot(s) · ${this.server}`);
    try {
      await runWorkerLoop({
        nc, worker, slots, signal: stop.signal,
        queues: roles.map((role) => ({ kind: 'role', name: role })),
        async handle(queue, request) {
          say(`${request.runId} ${request.job}  started (${queue.name})`);
          try {
            const result = await handleRemoteJob(request, { home, repos, sme, signal: stop.signal });
            say(`${request.runId} ${request.job}  ${result.tag}`);
            return result;
          } catch (error) {
            say(`${request.runId} ${request.job}  failed: ${error instanceof Error ? error.message : String(error)}`);
            throw error;
          }
        },
      });
    } finally {
      sme.killAgents();
      await repos.dispose();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await nc.close();
    }
    say(`worker ${worker} stopped`);
    return 0;
  }
}
