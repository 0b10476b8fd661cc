import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { ConfigSchema, type LoopConfigInput } from '../../protocol/config.js';
import { implementerRoles, plannerRole, providerIdentity, providerOf, repositoriesOfRole, reviewerRole } from '../../src/config/team.js';
import type { LoadedConfig, ResolvedRepository } from '../../src/config/load.js';

function config(input: Partial<LoopConfigInput>) {
  return v.parse(ConfigSchema, {
    version: 1,
    providers: { claude: { type: 'claude' }, codex: { type: 'codex' }, sim: { type: 'sim' }, sim2: { type: 'sim' } },
    roles: [{ name: 'planner', provider: 'claude' }, { name: 'be', provider: 'codex' }, { name: 'qa', provider: 'claude' }],
    ...input,
  });
}

test('the planner is loop.planner, else the role named "planner"', () => {
  assert.equal(plannerRole(config({}))?.name, 'planner');
  assert.equal(plannerRole(config({ loop: { planner: 'be' } }))?.name, 'be');
  assert.equal(plannerRole(config({ roles: [{ name: 'x', provider: 'sim' }] })), undefined);
});

test('the reviewer is loop.reviewer, else a role named qa, critic or reviewer', () => {
  assert.equal(reviewerRole(config({}))?.name, 'qa');
  assert.equal(reviewerRole(config({ loop: { reviewer: 'be' } }))?.name, 'be');
  assert.equal(reviewerRole(config({ roles: [{ name: 'critic', provider: 'sim' }, { name: 'x', provider: 'sim' }] }))?.name, 'critic');
  assert.equal(reviewerRole(config({ roles: [{ name: 'reviewer', provider: 'sim' }] }))?.name, 'reviewer');
  assert.equal(reviewerRole(config({ roles: [{ name: 'x', provider: 'sim' }] })), undefined);
});

test('implementers are every role except the planner and the reviewer', () => {
  assert.deepEqual(implementerRoles(config({})).map((r) => r.name), ['be']);
});

test('providerOf returns the key and the provider config', () => {
  const team = config({});
  const { key, config: provider } = providerOf(team, team.roles[1]!);
  assert.equal(key, 'codex');
  assert.equal(provider.type, 'codex');
});

test('provider identity is the vendor for claude/codex/gemini and the key otherwise', () => {
  const team = config({});
  assert.equal(providerIdentity('claude', team.providers['claude']!), 'claude');
  assert.equal(providerIdentity('anything', { ...team.providers['claude']!, model: 'other' }), 'claude');
  assert.equal(providerIdentity('sim', team.providers['sim']!), 'sim');
  assert.equal(providerIdentity('sim2', team.providers['sim2']!), 'sim2');
});

test('a role works in its repositories, else in all of them', () => {
  const repo = (name: string): ResolvedRepository => ({ name, path: `/r/${name}`, protectedBranches: [], copyFiles: [], implicit: false });
  const team = config({ roles: [{ name: 'fe', provider: 'sim', repositories: ['web'] }, { name: 'qa', provider: 'sim2' }] });
  const loaded = { config: team, repositories: [repo('web'), repo('api')] } as unknown as LoadedConfig;
  assert.deepEqual(repositoriesOfRole(loaded, 'fe').map((r) => r.name), ['web']);
  assert.deepEqual(repositoriesOfRole(loaded, 'qa').map((r) => r.name), ['web', 'api']);
});
