import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectCredentials, loginFiles, type CredentialFacts, type Vendor } from '../../src/auth/credentials.js';

const HOME = '/home/u';

const cases: Array<[string, Vendor, NodeJS.ProcessEnv, string[], CredentialFacts]> = [
  ['claude with ANTHROPIC_API_KEY', 'claude', { ANTHROPIC_API_KEY: 'k' }, [], { keyEnv: 'ANTHROPIC_API_KEY', loginFile: null, notes: [] }],
  ['claude with CLAUDE_CODE_OAUTH_TOKEN', 'claude', { CLAUDE_CODE_OAUTH_TOKEN: 't' }, [], { keyEnv: 'CLAUDE_CODE_OAUTH_TOKEN', loginFile: null, notes: [] }],
  ['claude with ANTHROPIC_AUTH_TOKEN', 'claude', { ANTHROPIC_AUTH_TOKEN: 't' }, [], { keyEnv: 'ANTHROPIC_AUTH_TOKEN', loginFile: null, notes: [] }],
  ['claude with an empty key variable and no login', 'claude', { ANTHROPIC_API_KEY: '' }, [], { keyEnv: null, loginFile: null, notes: [] }],
  ['claude logged in', 'claude', {}, ['/home/u/.claude/.credentials.json'], { keyEnv: null, loginFile: '/home/u/.claude/.credentials.json', notes: [] }],
  ['claude logged in through ~/.claude.json', 'claude', {}, ['/home/u/.claude.json'], { keyEnv: null, loginFile: '/home/u/.claude.json', notes: [] }],
  ['codex with CODEX_API_KEY', 'codex', { CODEX_API_KEY: 'k' }, [], { keyEnv: 'CODEX_API_KEY', loginFile: null, notes: [] }],
  ['codex with only OPENAI_API_KEY (not sent by codex exec)', 'codex', { OPENAI_API_KEY: 'k' }, [], {
    keyEnv: null, loginFile: null,
    notes: ['OPENAI_API_KEY is set, but `codex exec` does not send it: set CODEX_API_KEY, or run `printenv OPENAI_API_KEY | codex login --with-api-key`'],
  }],
  ['codex logged in under ~/.codex', 'codex', {}, ['/home/u/.codex/auth.json'], { keyEnv: null, loginFile: '/home/u/.codex/auth.json', notes: [] }],
  ['codex logged in under $CODEX_HOME', 'codex', { CODEX_HOME: '/srv/codex' }, ['/srv/codex/auth.json', '/home/u/.codex/auth.json'], { keyEnv: null, loginFile: '/srv/codex/auth.json', notes: [] }],
  ['gemini with GEMINI_API_KEY', 'gemini', { GEMINI_API_KEY: 'k' }, [], { keyEnv: 'GEMINI_API_KEY', loginFile: null, notes: [] }],
  ['gemini on Vertex with GOOGLE_API_KEY', 'gemini', { GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_API_KEY: 'k' }, [], { keyEnv: 'GOOGLE_API_KEY', loginFile: null, notes: [] }],
  ['gemini on Vertex with GOOGLE_CLOUD_PROJECT', 'gemini', { GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_CLOUD_PROJECT: 'p' }, [], { keyEnv: 'GOOGLE_CLOUD_PROJECT', loginFile: null, notes: [] }],
  ['gemini with GOOGLE_API_KEY but no Vertex switch', 'gemini', { GOOGLE_API_KEY: 'k' }, [], {
    keyEnv: null, loginFile: null, notes: ['GOOGLE_API_KEY / GOOGLE_CLOUD_PROJECT authenticate gemini only with GOOGLE_GENAI_USE_VERTEXAI=true'],
  }],
  ['gemini logged in with Google', 'gemini', {}, ['/home/u/.gemini/oauth_creds.json'], { keyEnv: null, loginFile: '/home/u/.gemini/oauth_creds.json', notes: [] }],
  ['gemini with nothing', 'gemini', {}, [], { keyEnv: null, loginFile: null, notes: [] }],
];

for (const [name, vendor, env, logins, expected] of cases) {
  test(`credentials: ${name}`, () => {
    assert.deepEqual(detectCredentials(vendor, { env, home: HOME, hasLogin: (path) => logins.includes(path) }), expected);
  });
}

test('codex looks only in $CODEX_HOME when it is set', () => {
  assert.deepEqual(loginFiles('codex', { CODEX_HOME: '/srv/codex' }, HOME), ['/srv/codex/auth.json']);
  assert.equal(detectCredentials('codex', { env: { CODEX_HOME: '/srv/codex' }, home: HOME, hasLogin: (p) => p === '/home/u/.codex/auth.json' }).loginFile, null);
});
