/**
 * `loop doctor`'s verdicts on the NATS server of `loop.engine: nats`. Pure. Durability is reported
 * for what it is: a server that acknowledges before fsync (every 2.9 build) can lose the last
 * acknowledged board events in a power loss, and loop's mirror is what covers that.
 */
import type { Check } from './checks.js';
import type { NatsFacts } from './nats.js';
import { streamProblems } from '../nats/settings.js';
import { acceptsSyncAlways } from '../nats/server-config.js';

const SETUP_FIX = 'run `loop nats setup`, start the server with `nats-server -c <dir>/nats-server.conf`, and point loop.nats at it';

export function checkNats(facts: NatsFacts): Check[] {
  if (!facts.connected) {
    return [{ status: 'fail', name: 'nats server', detail: facts.error ?? `cannot connect to ${facts.url}`, fix: SETUP_FIX }];
  }
  const checks: Check[] = [{ status: 'ok', name: 'nats server', detail: `nats-server ${facts.serverVersion} at ${facts.url} accepted ${facts.identity}` }];
  if (!facts.jetstream?.ok) {
    checks.push({ status: 'fail', name: 'nats jetstream', detail: `JetStream is not available: ${facts.jetstream?.error ?? 'unknown'}`, fix: 'enable it in the server config with a `jetstream { store_dir: … }` block (`loop nats setup` writes one), or use the supervisor\'s credentials, not a worker\'s' });
    return checks;
  }
  checks.push({ status: 'ok', name: 'nats jetstream', detail: 'enabled' });
  if (facts.probe?.ok) {
    const replicas = facts.probe.settings?.replicas ?? 1;
    checks.push({ status: 'ok', name: 'nats board stream', detail: `a stream with the board's settings (file storage, ${replicas} replica${replicas === 1 ? ': one server holds each board, this machine\'s JSONL mirror is the second copy' : 's'}; deletes and purges refused) was created, written with the sequence fence, read back and removed` });
  } else {
    checks.push({ status: 'fail', name: 'nats board stream', detail: `a stream with the board's settings could not be used: ${facts.probe?.error ?? 'unknown'}`, fix: 'check the server\'s JetStream limits (max_file_store) and that loop.nats uses the supervisor\'s credentials' });
  }
  checks.push(checkDurability(facts.serverVersion ?? ''));
  for (const board of facts.boards ?? []) {
    const problems = streamProblems(board);
    if (problems.length > 0) checks.push({ status: 'warn', name: `nats ${board.name}`, detail: problems.join('; '), fix: 'this stream was not made by this version of loop; keep the run\'s JSONL mirror, and start new runs on streams loop creates' });
  }
  return checks;
}

export function checkDurability(version: string): Check {
  if (!acceptsSyncAlways(version)) {
    return {
      status: 'warn',
      name: 'nats durability',
      detail: `nats-server ${version} cannot set \`sync_interval: always\`: it acknowledges a board event before the event is on disk (it forces a sync every 2 minutes). A crash of nats-server loses nothing; a power loss or kernel crash of its machine can lose the last acknowledged events. loop keeps every board event in .loop/runs/<run>/board/events.jsonl on this machine (fdatasync'ed) and \`loop resume\` publishes what the server lost again`,
      fix: 'for every write on disk before it is acknowledged, run nats-server 2.10 or newer with `jetstream { sync_interval: always }`',
    };
  }
  return {
    status: 'warn',
    name: 'nats durability',
    detail: `nats-server ${version} can write every message to disk before acknowledging it, but only with \`sync_interval: always\`, which a client cannot read; without it the last acknowledged board events can be lost in a power loss (loop's mirror on this machine still has them)`,
    fix: 'make sure the server config has `jetstream { sync_interval: always }` (`loop nats setup` writes it when it finds nats-server 2.10 or newer)',
  };
}
