/**
 * Gate actor process: the generic gate policy wired to src/gate (tamper guard, tests) and src/git
 * (capture, merge). Git, the tamper rules and the test runner are imported by the first request
 * that uses them (a dry-run never does), so the gate is ready without loading them.
 */
import { createGateActor } from '../../../actors/gate.js';
import { lazyPorts } from '../../../actors/lazy-ports.js';

export default createGateActor(lazyPorts(() => import('./gate-ports.js').then((m) => m.gatePorts)));
