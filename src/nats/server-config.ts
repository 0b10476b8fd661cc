/**
 * The nats-server configuration `loop nats setup` writes: JetStream on a file store, one listen
 * address, and two nkey identities. The supervisor may do everything; a worker may take work and
 * report results and nothing else — above all it can never publish to the board's subjects, so the
 * board keeps its single writer even when a worker machine is compromised. Pure: text in, text out.
 */
import { BOARD_SUBJECTS, RESULT_SUBJECTS, WORK_STREAM, WORKER_SUBJECTS } from './names.js';

export interface ServerConfigOptions {
  /** `host:port` the server listens on (`127.0.0.1:4222` keeps it on this machine). */
  listen: string;
  /** JetStream's store_dir (the server keeps its streams in `jetstream/` under it). */
  storeDir: string;
  supervisorKey: string;
  workerKey: string;
  /** The installed server accepts `sync_interval: always` (2.10 and newer). */
  syncAlways: boolean;
  /** Stamped into the header comment. */
  writtenAt: string;
}

/** What a worker may publish and subscribe to: its work queue, acks and results; never the board. */
export function workerPermissions(): { publish: { allow: string[]; deny: string[] }; subscribe: { allow: string[]; deny: string[] } } {
  return {
    publish: {
      allow: [
        RESULT_SUBJECTS,
        WORKER_SUBJECTS,
        '$JS.API.INFO',
        `$JS.API.CONSUMER.INFO.${WORK_STREAM}.*`,
        `$JS.API.CONSUMER.MSG.NEXT.${WORK_STREAM}.*`,
        `$JS.ACK.${WORK_STREAM}.>`,
      ],
      deny: [BOARD_SUBJECTS, '$JS.API.STREAM.>', '$JS.API.CONSUMER.CREATE.>', '$JS.API.CONSUMER.DURABLE.>', '$JS.API.CONSUMER.DELETE.>', '$JS.API.DIRECT.>'],
    },
    subscribe: { allow: ['_INBOX.>'], deny: [BOARD_SUBJECTS] },
  };
}

const list = (items: readonly string[]): string => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;

export function renderServerConfig(o: ServerConfigOptions): string {
  const worker = workerPermissions();
  const sync = o.syncAlways
    ? '  # Every message is on disk before the server acknowledges it.\n  sync_interval: always\n'
    : [
      '  # This nats-server (before 2.10) cannot set `sync_interval: always`: it acknowledges a message',
      '  # before it is on disk and forces a sync every 2 minutes. A crash of nats-server loses nothing,',
      '  # a power loss or kernel crash of this machine can lose the last acknowledged board events;',
      '  # loop\'s copy of the board on the supervisor\'s machine has them and `loop resume` publishes them again.',
      '  # With nats-server 2.10 or newer, uncomment:',
      '  # sync_interval: always',
      '',
    ].join('\n');
  return [
    `# nats-server configuration written by \`loop nats setup\` on ${o.writtenAt}.`,
    '# Start: nats-server -c <this file>   (under systemd: Restart=always, see the README, "More than one machine")',
    'server_name: loop',
    `listen: ${o.listen}`,
    '',
    'jetstream {',
    `  store_dir: ${JSON.stringify(o.storeDir)}`,
    sync.trimEnd(),
    '}',
    '',
    'authorization {',
    '  users: [',
    '    # the supervisor (supervisor.nk): writes the board, dispatches work, reads results',
    `    { nkey: ${o.supervisorKey}, permissions: { publish: ">", subscribe: ">" } }`,
    '    # workers (worker.nk): take work and report results; the board\'s subjects are denied',
    `    { nkey: ${o.workerKey}, permissions: {`,
    `        publish: { allow: ${list(worker.publish.allow)}, deny: ${list(worker.publish.deny)} }`,
    `        subscribe: { allow: ${list(worker.subscribe.allow)}, deny: ${list(worker.subscribe.deny)} }`,
    '    } }',
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** `2.9.10` → true when the server accepts `sync_interval: always` (added in 2.10). */
export function acceptsSyncAlways(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}
