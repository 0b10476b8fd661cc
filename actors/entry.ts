/**
 * Process entry of every actor: the supervisor forks `node actors/entry.js <module>`, and this
 * runs the runtime loop for the module's default export. Kept tiny: the module is imported while
 * the loop already listens, so a module that fails to load is reported as `init-failed`.
 */
import { pathToFileURL } from 'node:url';
import { DEFERRED_CA_CERTS_VAR } from '../supervisor/os-process.js';
import { runActor } from './runtime.js';

const modulePath = process.argv[2];
if (modulePath === undefined || typeof process.send !== 'function') {
  process.stderr.write('actors/entry.js is started by the loop supervisor (fork with an IPC channel, actor module path as argument)\n');
  process.exit(2);
}
// Restore what the supervisor moved aside to spare this process's start-up (see os-process.ts),
// before the actor can spawn anything.
const extraCaCerts = process.env[DEFERRED_CA_CERTS_VAR];
if (extraCaCerts !== undefined) {
  process.env['NODE_EXTRA_CA_CERTS'] = extraCaCerts;
  delete process.env[DEFERRED_CA_CERTS_VAR];
}
runActor(modulePath, import(pathToFileURL(modulePath).href));
