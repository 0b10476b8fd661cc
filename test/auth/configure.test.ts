import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { ConfigSchema } from '../../protocol/config.js';
import { describeChange, planAuthChanges } from '../../src/auth/configure.js';
import type { ProviderAuthStatus } from '../../src/auth/status.js';

const config = (providers: Record<string, unknown>) =>
  v.parse(ConfigSchema, { version: 1, providers, roles: [{ name: 'a', provider: Object.keys(providers)[0] }] });

const status = (over: Partial<ProviderAuthStatus>): ProviderAuthStatus => ({
  key: 'claude', type: 'claude', enabled: true, usedBy: [], command: 'claude', commandPath: '/bin/claude', version: '2',
  mode: 'subscription', env: null, loginFile: '/h/.claude/.credentials.json', ready: true, notes: [], fix: null, ...over,
});

test('a found, logged-in CLI gets command, mode and configured: true', () => {
  const changes = planAuthChanges(config({ claude: { type: 'claude' } }), [status({})]);
  assert.deepEqual(changes.map(describeChange), [
    'providers.claude.command: (unset) → claude',
    'providers.claude.auth.mode: (unset) → subscription',
    'providers.claude.auth.configured: (unset) → true',
  ]);
});

test('an API key records the variable name, never a value', () => {
  const changes = planAuthChanges(config({ claude: { type: 'claude', command: 'claude' } }), [status({ mode: 'api-key', env: 'ANTHROPIC_API_KEY' })]);
  assert.deepEqual(changes.map(describeChange), [
    'providers.claude.auth.mode: (unset) → api-key',
    'providers.claude.auth.env: (unset) → ANTHROPIC_API_KEY',
    'providers.claude.auth.configured: (unset) → true',
  ]);
});

test('configured is false when the CLI is missing, even with a key set (and command is not filled in)', () => {
  const changes = planAuthChanges(config({ claude: { type: 'claude', auth: { mode: 'subscription', configured: true } } }), [
    status({ commandPath: null, mode: 'api-key', env: 'ANTHROPIC_API_KEY', ready: false }),
  ]);
  assert.deepEqual(changes.map(describeChange), [
    'providers.claude.auth.mode: subscription → api-key',
    'providers.claude.auth.env: (unset) → ANTHROPIC_API_KEY',
    'providers.claude.auth.configured: true → false',
  ]);
});

test('a stale env name is removed when the key is gone', () => {
  const changes = planAuthChanges(config({ claude: { type: 'claude', command: 'claude', auth: { mode: 'api-key', env: 'ANTHROPIC_API_KEY', configured: true } } }), [status({})]);
  assert.deepEqual(changes.map(describeChange), [
    'providers.claude.auth.mode: api-key → subscription',
    'providers.claude.auth.env: ANTHROPIC_API_KEY → (unset)',
  ]);
});

test('nothing is written for a provider with nothing detected and no auth block, nor for sim', () => {
  const changes = planAuthChanges(config({ claude: { type: 'claude' }, sim: { type: 'sim' } }), [
    status({ commandPath: null, mode: 'none', loginFile: null, ready: false }),
    status({ key: 'sim', type: 'sim', mode: 'not-needed', command: null, commandPath: null }),
  ]);
  assert.deepEqual(changes, []);
});

test('a config that already matches needs no change', () => {
  const changes = planAuthChanges(config({ claude: { type: 'claude', command: 'claude', auth: { mode: 'subscription', configured: true } } }), [status({})]);
  assert.deepEqual(changes, []);
});
