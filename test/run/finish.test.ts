import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LandPolicy, RunStatus } from '../../protocol/index.js';
import { landingAction, type LandingAction } from '../../src/run/finish.js';

test('landingAction: what each loop.land policy does at the end of a run, by how the run ended', () => {
  const rows: Array<[LandPolicy, RunStatus, boolean, LandingAction]> = [
    ['merged', 'merged', true, 'land'],
    ['merged', 'escalated', true, 'land'],
    ['merged', 'budget-exhausted', true, 'land'],
    ['merged', 'failed', true, 'land'],
    ['merged', 'interrupted', true, 'leave'],
    ['merged', 'escalated', false, 'skip'],
    ['all', 'merged', true, 'land'],
    ['all', 'escalated', true, 'leave'],
    ['all', 'budget-exhausted', true, 'leave'],
    ['none', 'merged', true, 'check'],
    ['none', 'escalated', true, 'check'],
    ['none', 'merged', false, 'skip'],
    ['pr', 'merged', true, 'pr'],
    ['pr', 'escalated', true, 'pr'],
    ['pr', 'interrupted', true, 'leave'],
    ['pr', 'merged', false, 'skip'],
  ];
  for (const [policy, status, advanced, expected] of rows) {
    assert.equal(landingAction(policy, status, advanced), expected, `${policy} / ${status} / advanced ${advanced}`);
  }
});
