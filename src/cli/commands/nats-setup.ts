/** `loop nats setup`: a nats-server config with JetStream and the nkeys of the supervisor and the workers. */
import { join, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { findExecutable, probeVersion } from '../../auth/executable.js';
import { UserError } from '../../util/errors.js';
import { loopHome } from '../../util/paths.js';

export class NatsSetupCommand extends LoopCommand {
  static override paths = [['nats', 'setup']];
  static override usage = Command.Usage({
    description: 'write a NATS server config and credentials for `loop.engine: nats`',
    details: `
      Writes, in --dir (default: $LOOP_HOME/nats): nats-server.conf (JetStream with a file store in jetstream/, listening on --listen), supervisor.nk (the supervisor's nkey seed: it may do everything) and worker.nk (the workers' seed: they may take work and report results, and the server refuses them any write to the board). Seeds are readable only by you. Existing files are kept unless --force is given.

      With nats-server 2.10 or newer installed, the config sets \`sync_interval: always\` (every message on disk before it is acknowledged); the 2.9 build Debian ships cannot, and the config says what that means.

      Then start the server with \`nats-server -c <dir>/nats-server.conf\`, put the printed block in loop.config.yaml and check everything with \`loop doctor\`.
    `,
    examples: [
      ['A server for this machine only', '$0 nats setup'],
      ['A server that workers on other machines can reach', '$0 nats setup --listen 0.0.0.0:4222 --dir /srv/loop-nats'],
    ],
  });

  dir = Option.String('--dir', { description: 'where to write the config, the store and the seeds (default: $LOOP_HOME/nats)' });
  listen = Option.String('--listen', '127.0.0.1:4222', { description: 'host:port the server listens on (default 127.0.0.1:4222: this machine only)' });
  force = Option.Boolean('--force', false, { description: 'replace an existing config and seeds (new keys)' });

  async run(): Promise<number> {
    // Loaded here: the NATS client costs ~100 ms to import and no other command needs it.
    const { checkListen, writeNatsSetup } = await import('../../nats/setup.js');
    const problem = checkListen(this.listen);
    if (problem) throw new UserError(problem);
    const dir = resolve(this.dir ?? join(loopHome(this.context.env), 'nats'));
    const server = findExecutable('nats-server', this.context.env);
    const version = server === null ? null : /v?(\d+\.\d+\.\d+)/.exec((await probeVersion(server, this.context.env)) ?? '')?.[1] ?? null;
    const result = writeNatsSetup({ dir, listen: this.listen, force: this.force, serverVersion: version });
    const out = (line = ''): void => void this.context.stdout.write(`${line}\n`);
    out(`wrote ${result.configFile} (listen ${this.listen}, JetStream store ${result.storeDir})`);
    out(`wrote ${result.supervisorSeed} (the supervisor's identity: keep it on this machine)`);
    out(`wrote ${result.workerSeed} (the workers' identity: copy it to each worker machine; it cannot write the board)`);
    if (server === null) out('note: nats-server is not on PATH; install it (Debian: sudo apt-get install nats-server)');
    else if (!result.syncAlways) out(`note: nats-server ${version ?? '(unknown version)'} cannot set \`sync_interval: always\`; the config explains what that means (loop keeps a copy of every board on the supervisor's machine)`);
    out();
    out(`start the server:  nats-server -c ${result.configFile}`);
    out('then add to loop.config.yaml:');
    out('  loop:');
    out('    engine: nats');
    out('    nats:');
    out(`      url: ${result.url.replace('0.0.0.0', '127.0.0.1')}`);
    out(`      nkey: ${result.supervisorSeed}`);
    out('and check it with:  loop doctor');
    return 0;
  }
}
