// Opt-in contract job (NOT part of `npm test`): the REAL pinned agent CLIs, driven through loop's
// REAL adapters (build → runAgent → parse), against a loopback mock of the vendors' model APIs
// (research/providers.md §8, layer 3). Nothing leaves the machine.
//
//   npm run build && npm ci --prefix contract/clis && node --test contract/
//   CONTRACT_SLOW=1 adds gemini's 429/500 cases (≈225 s each: gemini retries 10 times).
//   CONTRACT_ONLY=claude|codex|gemini runs one CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'contract', 'clis', 'node_modules', '.bin');
const dist = (path) => pathToFileURL(join(root, 'dist', path)).href;
const MOCK_TEXT = 'MOCK_OK: hello from the mock model.';
const SLOW = process.env.CONTRACT_SLOW === '1';
const ONLY = process.env.CONTRACT_ONLY;

if (!existsSync(join(binDir, 'claude')) || !existsSync(join(root, 'dist', 'src', 'providers', 'types.js'))) {
  throw new Error('contract job: run `npm run build` and `npm ci --prefix contract/clis` first (see docs/providers.md)');
}
const { adapterFor } = await import(dist('src/providers/types.js'));
const { runAgent } = await import(dist('src/providers/run-agent.js'));
const { ProviderSchema } = await import(dist('protocol/config.js'));
const v = await import('valibot');

const scratch = mkdtempSync(join(tmpdir(), 'loop-contract-'));
const scenarioFile = join(scratch, 'scenario');
let base;
let mock;

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  mock = spawn(process.execPath, [join(root, 'contract', 'mock-llm-server.mjs')], {
    env: { ...process.env, MOCK_PORT: String(port), MOCK_LOG: join(scratch, 'requests.jsonl'), MOCK_SCENARIO_FILE: scenarioFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let banner = '';
  mock.stdout.setEncoding('utf8');
  while (!banner.includes('mock-llm-server on')) banner += (await once(mock.stdout, 'data'))[0];
});

after(() => {
  mock?.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
});

/** The environment each vendor needs to talk to the mock instead of its API. */
function providerFor(cli, config, home) {
  const env = {
    claude: { ANTHROPIC_BASE_URL: base, ANTHROPIC_API_KEY: 'sk-ant-mock', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', CLAUDE_CODE_MAX_RETRIES: '1' },
    codex: { CODEX_API_KEY: 'sk-mock' },
    gemini: { GEMINI_API_KEY: 'mock-key', GOOGLE_GEMINI_BASE_URL: base },
  }[cli];
  const args = cli === 'codex' ? ['-c', `openai_base_url="${base}/v1"`] : [];
  if (cli === 'gemini') {
    // a base URL alone switches gemini to a "gateway" auth type that -p rejects
    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
  }
  return { key: cli, config: v.parse(ProviderSchema, { type: cli, ...config, env: { ...env, ...config.env }, args: [...args, ...(config.args ?? [])] }) };
}

async function callReal(cli, { scenario = 'text', config = {}, purpose = 'implement', prompt = 'Say hello', deadlineMs = 120_000 } = {}) {
  writeFileSync(scenarioFile, scenario);
  const dir = mkdtempSync(join(scratch, `${cli}-`));
  const home = join(dir, 'home');
  const workdir = join(dir, 'work');
  mkdirSync(home);
  mkdirSync(workdir);
  writeFileSync(join(dir, 'prompt.md'), prompt);
  writeFileSync(join(dir, 'system.md'), 'You are a careful engineer.');
  const ctx = {
    provider: providerFor(cli, config, home),
    purpose,
    prompt,
    promptFile: join(dir, 'prompt.md'),
    systemPromptFile: join(dir, 'system.md'),
    workdir,
    env: { HOME: home, PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`, TERM: 'dumb', LANG: 'C.UTF-8' },
  };
  const adapter = adapterFor(cli);
  const invocation = adapter.build(ctx);
  const logFile = join(dir, 'transcript.log');
  const raw = await runAgent({ invocation, deadlineMs, logFile });
  const parsed = adapter.parse(raw, ctx);
  const why = () => `argv: ${invocation.args.map((a) => a.slice(0, 60)).join(' ')}\nexit ${raw.exitCode} signal ${raw.signal} timedOut ${raw.timedOut}\n${readFileSync(logFile, 'utf8').slice(-3000)}`;
  return { parsed, raw, invocation, workdir, why };
}

const UUIDISH = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LONG_PROMPT = `Say hello.\n\n${'This line is padding to push the prompt past one argv string.\n'.repeat(3_000)}`;

const cases = [
  // --- claude 2.1.331
  { cli: 'claude', name: 'text (implement, acceptEdits)', expect: { ok: true, tokens: { input: 1500, output: 25, cached: 300 }, usdPositive: true } },
  { cli: 'claude', name: 'text (implement, skip permissions: IS_SANDBOX=1 as root)', config: { dangerouslySkipPermissions: true, model: 'sonnet', effort: 'high' }, expect: { ok: true, model: /sonnet/ } },
  { cli: 'claude', name: 'text (review, read-only)', purpose: 'review', config: { dangerouslySkipPermissions: true }, expect: { ok: true } },
  { cli: 'claude', name: 'text (plan, long prompt via stdin)', purpose: 'plan', prompt: LONG_PROMPT, expect: { ok: true } },
  // acceptEdits lets claude 2.1.331 run a shell command that only writes a file in the worktree
  { cli: 'claude', name: 'tool in acceptEdits (the default) writes the file', scenario: 'tool', expect: { ok: true, file: 'mock-output.txt' } },
  { cli: 'claude', name: 'tool with skipped permissions writes the file', scenario: 'tool', config: { dangerouslySkipPermissions: true }, expect: { ok: true, file: 'mock-output.txt' } },
  { cli: 'claude', name: 'tool refused in manual mode is a permission failure', scenario: 'tool', config: { permissionMode: 'default' }, expect: { ok: false, errorKind: 'permission', noFile: 'mock-output.txt' } },
  { cli: 'claude', name: 'a read-only reviewer cannot write, and that is not a failure', scenario: 'tool', purpose: 'review', config: { dangerouslySkipPermissions: true }, expect: { ok: true, noFile: 'mock-output.txt' } },
  { cli: 'claude', name: '429', scenario: '429', expect: { ok: false, errorKind: 'rate-limit' } },
  { cli: 'claude', name: '401', scenario: '401', expect: { ok: false, errorKind: 'auth' } },
  { cli: 'claude', name: '529', scenario: '529', expect: { ok: false, errorKind: 'api' } },
  // --- codex 0.169.0
  { cli: 'codex', name: 'text (implement, workspace-write, effort)', config: { effort: 'high' }, expect: { ok: true, tokens: { input: 1200, output: 25, cached: 300 }, usdNull: true } },
  { cli: 'codex', name: 'text (implement, yolo, model)', config: { yolo: true, model: 'gpt-5' }, expect: { ok: true } },
  { cli: 'codex', name: 'text (review, read-only sandbox)', purpose: 'review', config: { yolo: true }, expect: { ok: true } },
  { cli: 'codex', name: 'text (plan, long prompt via stdin)', purpose: 'plan', prompt: LONG_PROMPT, expect: { ok: true } },
  { cli: 'codex', name: '429', scenario: '429', expect: { ok: false, errorKind: 'rate-limit' } },
  { cli: 'codex', name: '401', scenario: '401', expect: { ok: false, errorKind: 'auth' } },
  // --- gemini 0.61.0
  { cli: 'gemini', name: 'text (implement, auto_edit)', config: { model: 'gemini-2.5-pro' }, expect: { ok: true, tokens: { input: 1200, output: 25, cached: 300 }, usdNull: true, model: /gemini-2\.5-pro/ } },
  { cli: 'gemini', name: 'text (implement, yolo, auto model router)', config: { yolo: true }, expect: { ok: true } },
  { cli: 'gemini', name: 'text (review, default approval)', purpose: 'review', config: { model: 'gemini-2.5-pro', yolo: true }, expect: { ok: true } },
  { cli: 'gemini', name: 'a read-only reviewer is not offered the shell', scenario: 'tool', purpose: 'review', config: { model: 'gemini-2.5-pro', yolo: true }, expect: { ok: true, noFile: 'mock-output.txt' } },
  { cli: 'gemini', name: 'text (plan, long prompt via stdin)', purpose: 'plan', prompt: LONG_PROMPT, config: { model: 'gemini-2.5-pro' }, expect: { ok: true } },
  { cli: 'gemini', name: 'tool with yolo writes the file', scenario: 'tool', config: { yolo: true, model: 'gemini-2.5-pro' }, expect: { ok: true, file: 'mock-output.txt' } },
  { cli: 'gemini', name: '401 (bad key: HTTP 400)', scenario: '401', config: { model: 'gemini-2.5-pro' }, expect: { ok: false, errorKind: 'auth' } },
  { cli: 'gemini', name: '429 (≈225 s of retries)', scenario: '429', config: { model: 'gemini-2.5-pro' }, slow: true, expect: { ok: false, errorKind: 'rate-limit' } },
  { cli: 'gemini', name: '500 (≈225 s of retries)', scenario: '500', config: { model: 'gemini-2.5-pro' }, slow: true, expect: { ok: false, errorKind: 'api' } },
];

for (const c of cases) {
  const skip = (ONLY && ONLY !== c.cli) || (c.slow && !SLOW);
  test(`real ${c.cli}: ${c.name}`, { skip: skip ? (c.slow ? 'set CONTRACT_SLOW=1' : `CONTRACT_ONLY=${ONLY}`) : false, timeout: 400_000 }, async () => {
    const { parsed, workdir, why } = await callReal(c.cli, { scenario: c.scenario, config: c.config, purpose: c.purpose, prompt: c.prompt, deadlineMs: c.slow ? 360_000 : 120_000 });
    const e = c.expect;
    assert.equal(parsed.ok, e.ok, `${parsed.errorKind}: ${parsed.errorMessage}\n${why()}`);
    if (e.ok) {
      assert.equal(parsed.text, MOCK_TEXT, why());
      assert.match(parsed.sessionId ?? '', UUIDISH, 'session id');
    } else {
      assert.equal(parsed.errorKind, e.errorKind, `${parsed.errorMessage}\n${why()}`);
    }
    if (e.tokens) assert.deepEqual(parsed.tokens, e.tokens);
    if (e.usdPositive) assert.ok(parsed.usd > 0, `usd ${parsed.usd}`);
    if (e.usdNull) assert.equal(parsed.usd, null);
    if (e.model) assert.match(parsed.model ?? '', e.model);
    if (e.file) assert.ok(existsSync(join(workdir, e.file)), `${e.file} in the worktree\n${why()}`);
    if (e.noFile) assert.ok(!existsSync(join(workdir, e.noFile)), `${e.noFile} must not be written\n${why()}`);
  });
}

test('the installed CLIs are the pinned versions the fixtures were captured from', () => {
  const fixture = (cli) => readFileSync(join(root, 'test', 'fixtures', 'providers', cli, 'version.txt'), 'utf8').split('\n').find((l) => !l.startsWith('#'));
  for (const cli of ['claude', 'codex', 'gemini']) {
    const version = execFileSync(join(binDir, cli), ['--version'], { encoding: 'utf8', env: { PATH: `${binDir}:/usr/bin:/bin`, HOME: scratch }, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').at(-1);
    assert.equal(version, fixture(cli), cli);
  }
});
