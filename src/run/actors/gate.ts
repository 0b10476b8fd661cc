/**
 * Gate actor process: the generic gate policy wired to src/gate (tamper guard, tests, regression
 * rule) and src/git (capture, slots, merge). Git, the tamper rules and the test runner are imported
 * by the first request that uses them (a dry-run never does), so the gate is ready without loading
 * them; the regression rule is pure and small, and synchronous, so it is loaded at once.
 */
import { createGateActor } from '../../../actors/gate.js';
import { lazyPorts } from '../../../actors/lazy-ports.js';
import { gateVerdict } from '../../gate/regression.js';
import type { TestRun } from '../../gate/test-runner.js';

export default createGateActor<TestRun>({
  ...lazyPorts(() => import('./gate-ports.js').then((m) => m.gatePorts), ['capture', 'tamper', 'tree', 'prepare', 'runTests', 'merge', 'resolve', 'advance']),
  judge: gateVerdict,
});
