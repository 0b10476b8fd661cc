/**
 * The README of the product we replace shows config snippets; a config assembled from them
 * verbatim must validate (its repository paths exist under the test's home folder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { SEED_EXAMPLE_PROVIDERS, SEED_PROVIDERS, SEED_REPOSITORIES, SEED_ROLES, seedWorkspace } from './seed-fixture.js';

test('the seed README full-stack config validates with no errors', (t) => {
  const { home, workspace } = seedWorkspace(t);
  const text = `version: 1\n${SEED_PROVIDERS}${SEED_REPOSITORIES}${SEED_ROLES}`;
  const result = checkConfigText(text, 'loop.config.yaml', workspace, { home });
  const errors = result.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map(formatProblem), []);
  assert.equal(result.config?.roles.length, 4);
  // qa1 is not named qa/critic/reviewer and there is no loop.reviewer: the one warning says so.
  assert.deepEqual(result.problems.map((p) => p.message), [
    'no reviewer: set loop.reviewer to a role (or name a role "qa", "critic" or "reviewer") so every diff gets an independent review',
  ]);
});

test('the seed config plus a loop: block naming its reviewer validates with no problems at all', (t) => {
  const { home, workspace } = seedWorkspace(t);
  const text = `version: 1\n${SEED_PROVIDERS}${SEED_REPOSITORIES}${SEED_ROLES}loop:\n  planner: cto\n  reviewer: qa1\n  maxParallel: 2\n  budgetUsd: 2\n`;
  assert.deepEqual(checkConfigText(text, 'loop.config.yaml', workspace, { home }).problems.map(formatProblem), []);
});

test('the seed README "Example Roles" providers and roles validate', (t) => {
  const { home, workspace } = seedWorkspace(t);
  const roles = SEED_ROLES.replace('provider: planner', 'provider: frontend');
  const text = `version: 1\n${SEED_EXAMPLE_PROVIDERS}${SEED_REPOSITORIES}${roles}`;
  const errors = checkConfigText(text, 'loop.config.yaml', workspace, { home }).problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map(formatProblem), []);
});

test('the seed README short repositories block (name, path, role) validates', (t) => {
  const { home, workspace } = seedWorkspace(t);
  const text = `version: 1
repositories:
  - name: frontend-app
    path: ~/work/frontend-app
    role: frontend
  - name: backend-api
    path: ~/work/backend-api
    role: backend
${SEED_PROVIDERS}${SEED_ROLES}defaults:
  namespace: loop
  dashboardPort: 4318
`;
  const errors = checkConfigText(text, 'loop.config.yaml', workspace, { home }).problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map(formatProblem), []);
});
