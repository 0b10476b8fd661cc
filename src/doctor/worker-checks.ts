/** `loop doctor --worker`'s decisions: pure, from the facts of a worker machine to ok / warn / fail lines. */
import { checkNode, checkProvider, checkWritable, installCommand, type Check } from './checks.js';
import { checkRemote } from './remote-checks.js';
import type { WorkerDoctorFacts, WorkerServerFacts } from './worker.js';

export function evaluateWorker(facts: WorkerDoctorFacts): Check[] {
  return [
    checkNode(facts.nodeVersion),
    facts.gitVersion === null
      ? { status: 'fail', name: 'git', detail: 'git is not on PATH; a worker works in git worktrees', fix: installCommand(facts.platform, 'git') }
      : { status: 'ok', name: 'git', detail: facts.gitVersion },
    ...checkWorkerServer(facts.server),
    ...checkWorkerConfig(facts),
    ...facts.providers.map((status) => checkProvider(status, true)),
    ...(facts.remotes ?? []).map(checkRemote),
    ...facts.writable.map(checkWritable),
  ];
}

export function checkWorkerServer(server: WorkerServerFacts): Check[] {
  if (!server.connected) {
    return [{ status: 'fail', name: 'nats server', detail: server.error ?? `cannot connect to ${server.url}`, fix: 'copy worker.nk from the machine where `loop nats setup` ran and pass it with --nkey; check that this machine reaches --server (the server must listen on an address workers reach, e.g. `loop nats setup --listen 0.0.0.0:4222`)' }];
  }
  const checks: Check[] = [{ status: 'ok', name: 'nats server', detail: `nats-server ${server.serverVersion} at ${server.url} accepted ${server.identity}` }];
  if (!server.jetstream?.ok) {
    checks.push({ status: 'fail', name: 'nats jetstream', detail: `JetStream does not answer this identity: ${server.jetstream?.error ?? 'unknown'}`, fix: 'use the server config `loop nats setup` writes (JetStream on, the worker identity allowed $JS.API.INFO)' });
    return checks;
  }
  checks.push({ status: 'ok', name: 'nats jetstream', detail: 'answers the worker identity' });
  for (const queue of server.queues ?? []) {
    checks.push(queue.exists
      ? { status: 'ok', name: `work queue ${queue.role}`, detail: 'exists on the server' }
      : { status: 'warn', name: `work queue ${queue.role}`, detail: 'not on the server yet: the supervisor of a run with `loop.nats.dispatch: workers` makes it when the run starts; the worker waits for it', fix: 'start the run (or check the role\'s name against the run\'s loop.config.yaml)' });
  }
  return checks;
}

function checkWorkerConfig(facts: WorkerDoctorFacts): Check[] {
  if (facts.config === null) {
    return [{ status: 'warn', name: 'config', detail: 'no loop.config.yaml here: the agent CLIs of the roles and the repositories\' remotes are not checked', fix: 'run `loop doctor --worker` in a checkout of the project (beside its loop.config.yaml), or pass -c' }];
  }
  if (facts.config.errors.length > 0) {
    return [{ status: 'fail', name: 'config', detail: `${facts.config.file} has ${facts.config.errors.length} error(s): ${facts.config.errors[0]}`, fix: 'run `loop validate` and fix every line it prints' }];
  }
  const checks: Check[] = [{ status: 'ok', name: 'config', detail: `${facts.config.file}: roles ${facts.roles.join(', ')}` }];
  for (const role of facts.config.unknownRoles) {
    checks.push({ status: 'fail', name: `role ${role}`, detail: `${facts.config.file} has no role "${role}"; its tasks never reach this worker`, fix: 'pass the role names of the config to --roles' });
  }
  return checks;
}
