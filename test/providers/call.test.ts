/** callProvider end to end: the real adapters, the real runner, the fake CLIs as processes on PATH. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as v from 'valibot';
import { AgentResultSchema } from '../../protocol/index.js';
import { join } from 'node:path';
import { callProvider, SessionCosts, type CallProviderOptions } from '../../src/providers/call.js';
import { STDIN_PROMPT_POINTER } from '../../src/providers/gemini.js';
import { groupMembers, signalGroup } from '../../supervisor/process-group.js';
import { fakeAgents, FAKE_TEXT, type FakeAgents } from '../helpers/fake-agents.js';
import { tempDir } from '../helpers/temp.js';
import { contextFor, type ContextOptions } from './fixtures.js';

const ROLE_PROMPT = 'You are the backend engineer. Keep handlers thin.';
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≈ ${expected}`);

/** One call; every result must be a valid protocol AgentResult (it crosses IPC and lands on the board). */
async function call(t: TestContext, fakes: FakeAgents, config: Parameters<typeof contextFor>[1], options: ContextOptions & Partial<CallProviderOptions> = {}) {
  const { purpose, prompt, sessionId, workdir, ...rest } = options;
  const ctx = contextFor(t, config, { systemPrompt: ROLE_PROMPT, env: fakes.env, ...(purpose ? { purpose } : {}), ...(prompt ? { prompt } : {}), ...(sessionId ? { sessionId } : {}), ...(workdir ? { workdir } : {}) });
  const result = await callProvider({ ...ctx, deadlineMs: 30_000, logFile: join(tempDir(t), 'agent.log'), ...rest });
  const checked = v.safeParse(AgentResultSchema, result);
  assert.ok(checked.success, checked.success ? '' : v.summarize(checked.issues));
  assert.equal(result.ok, result.errorKind === undefined, 'a failure has a kind, a success has none');
  return result;
}

test('claude: a successful call reports its own dollars, session and argv; stdin closed; role prompt as a file', async (t) => {
  const fakes = fakeAgents(t);
  const result = await call(t, fakes, { type: 'claude', model: 'sonnet', effort: 'high' });
  assert.equal(result.ok, true);
  assert.equal(result.text, FAKE_TEXT);
  close(result.usd, 0.005);
  assert.equal(result.priced, false);
  assert.deepEqual(result.tokens, { input: 1200, output: 25, cached: 0 });
  assert.match(result.sessionId ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(result.model, 'claude-sonnet-4-5');
  assert.equal(result.argv[0], 'claude');
  assert.ok(result.argv.includes('--append-system-prompt-file'));
  const [logged] = fakes.readLog();
  assert.equal(logged?.stdin, 'devnull');
  assert.equal(logged?.systemPrompt, ROLE_PROMPT);
  assert.equal(logged?.prompt, '# Task t1: say hello\n\nSay hello.');
  assert.deepEqual(logged?.argv, result.argv.slice(1));
});

test('claude: a resumed session is charged per call, not cumulatively', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async (ctx) => ctx.callIndex === 0 ? { costUsd: 0.004, tokens: { input: 1000, output: 20 } } : { costUsd: 0.007, tokens: { input: 300, output: 30 } };`);
  const costs = new SessionCosts();
  const first = await call(t, fakes, { type: 'claude' }, { costs });
  assert.equal(first.ok, true);
  close(first.usd, 0.004);
  const second = await call(t, fakes, { type: 'claude', args: ['--resume', first.sessionId!] }, { costs });
  assert.equal(second.sessionId, first.sessionId);
  close(second.usd, 0.007);
  assert.deepEqual(second.tokens, { input: 300, output: 30, cached: 0 });
  // without the per-actor memory the cumulative total is all we can report
  const third = await call(t, fakes, { type: 'claude', args: ['--resume', first.sessionId!] });
  close(third.usd, 0.004 + 0.007 + 0.007);
});

test('claude: skipping permissions as root sets IS_SANDBOX=1 (the CLI refuses "yes")', async (t) => {
  const fakes = fakeAgents(t);
  fakes.env.IS_SANDBOX = 'yes';
  const result = await call(t, fakes, { type: 'claude', dangerouslySkipPermissions: true });
  assert.equal(result.ok, true, result.errorMessage);
  assert.ok(result.argv.includes('--dangerously-skip-permissions'));
  const expected = process.getuid?.() === 0 ? '1' : 'yes';
  assert.equal(fakes.readLog()[0]?.env.IS_SANDBOX, expected);
});

test('claude: an implementer whose edits were refused did not do the work', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async () => ({ permissionDenials: ['Bash'] });`);
  const result = await call(t, fakes, { type: 'claude' });
  assert.equal(result.ok, false);
  assert.equal(result.errorKind, 'permission');
  assert.match(result.errorMessage ?? '', /refused 1 tool call\(s\): Bash/);
});

test('claude: an implementer edits in acceptEdits; a reviewer is read-only and its refused write is not a failure', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async (ctx) => { ctx.writeFile('out-' + ctx.kind + '.txt', 'x'); return { text: ctx.kind }; };`);
  const workdir = tempDir(t);
  const implement = await call(t, fakes, { type: 'claude' }, { workdir });
  assert.equal(implement.ok, true);
  assert.ok(implement.argv.join(' ').includes('--permission-mode acceptEdits'));
  assert.ok(existsSync(join(workdir, 'out-implement.txt')));
  const review = await call(t, fakes, { type: 'claude', dangerouslySkipPermissions: true }, { workdir, purpose: 'review', prompt: '# Review of task t1\n\nJudge it.' });
  assert.equal(review.ok, true, review.errorMessage);
  assert.equal(review.text, 'review');
  assert.ok(review.argv.join(' ').includes('--permission-mode dontAsk'));
  assert.ok(!review.argv.includes('--dangerously-skip-permissions'));
  assert.ok(!existsSync(join(workdir, 'out-review.txt')));
});

test('claude: a rate limit is classified and costs nothing', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async () => ({ error: 'rate-limit' });`);
  const result = await call(t, fakes, { type: 'claude' });
  assert.equal(result.ok, false);
  assert.equal(result.errorKind, 'rate-limit');
  assert.equal(result.usd, 0);
  assert.equal(result.exitCode, 1);
  assert.match(result.text, /429/);
});

test('claude: a hung agent is killed at the deadline with its background child, and reported as a timeout', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async () => ({ hangMs: 60000, background: 'sleep 600' });`);
  let pid = 0;
  t.after(() => signalGroup(pid, 'SIGKILL'));
  const result = await call(t, fakes, { type: 'claude' }, { deadlineMs: 1_500, onStart: (started) => (pid = started) });
  assert.equal(result.ok, false);
  assert.equal(result.timedOut, true);
  assert.equal(result.errorKind, 'timeout');
  for (const deadline = Date.now() + 2_000; groupMembers(pid).some((m) => m.state !== 'Z') && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(groupMembers(pid).filter((m) => m.state !== 'Z'), []);
});

test('codex: the role prompt is in the prompt text, stdin is closed, tokens are priced', async (t) => {
  const fakes = fakeAgents(t);
  const result = await call(t, fakes, { type: 'codex', model: 'gpt-5', effort: 'high' });
  assert.equal(result.ok, true, result.errorMessage);
  assert.equal(result.text, FAKE_TEXT);
  assert.equal(result.priced, true);
  close(result.usd, (1200 * 1.25 + 25 * 10) / 1e6);
  assert.ok(result.argv.includes('model_reasoning_effort=high'));
  const [logged] = fakes.readLog();
  assert.equal(logged?.stdin, 'devnull');
  assert.ok(logged?.prompt.startsWith(ROLE_PROMPT));
  assert.ok(logged?.prompt.endsWith('# Task t1: say hello\n\nSay hello.'));
  assert.equal(logged?.systemPrompt, undefined);
});

test('codex: a prompt too long for one argv string goes through stdin, written and closed', async (t) => {
  const fakes = fakeAgents(t);
  const prompt = `# Task t9: large\n\n${'context line\n'.repeat(20_000)}`;
  const result = await call(t, fakes, { type: 'codex' }, { prompt });
  assert.equal(result.ok, true, result.errorMessage);
  assert.equal(result.argv.at(-1), '-');
  const [logged] = fakes.readLog();
  assert.equal(logged?.stdin, 'data');
  assert.equal(logged?.prompt, `${ROLE_PROMPT}\n\n---\n\n${prompt}`);
});

test('codex: a reviewer runs in the read-only sandbox and cannot write', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async (ctx) => ({ text: String(ctx.writeFile('x.txt', 'x')) });`);
  const workdir = tempDir(t);
  const result = await call(t, fakes, { type: 'codex', yolo: true }, { workdir, purpose: 'review' });
  assert.equal(result.ok, true);
  assert.equal(result.text, 'false');
  assert.ok(result.argv.join(' ').includes('--sandbox read-only'));
  assert.ok(!existsSync(join(workdir, 'x.txt')));
});

test('codex: HTTP 401 is an auth error', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async () => ({ error: 'auth' });`);
  const result = await call(t, fakes, { type: 'codex' });
  assert.equal(result.ok, false);
  assert.equal(result.errorKind, 'auth');
  assert.equal(result.usd, 0);
});

test('gemini: priced from the tokens of every model it used, with the main model named', async (t) => {
  const fakes = fakeAgents(t);
  const result = await call(t, fakes, { type: 'gemini' });
  assert.equal(result.ok, true, result.errorMessage);
  assert.equal(result.text, FAKE_TEXT);
  assert.deepEqual(result.tokens, { input: 1700, output: 37, cached: 0 });
  assert.equal(result.model, 'gemini-2.5-pro');
  close(result.usd, (1700 * 1.25 + 37 * 10) / 1e6);
  assert.ok(result.argv.includes('--skip-trust'));
  const [logged] = fakes.readLog();
  assert.equal(logged?.stdin, 'devnull');
  assert.ok(logged?.prompt.startsWith(ROLE_PROMPT));
});

test('gemini: a price override in the config wins over the shipped table', async (t) => {
  const fakes = fakeAgents(t);
  const result = await call(t, fakes, { type: 'gemini', model: 'gemini-2.5-pro', prices: { inputPerMTok: 1, outputPerMTok: 2 } });
  close(result.usd, (1200 * 1 + 25 * 2) / 1e6);
});

test('gemini: a long prompt goes through stdin, which gemini puts before the -p text', async (t) => {
  const fakes = fakeAgents(t);
  const prompt = `# Task t9: large\n\n${'context line\n'.repeat(20_000)}`;
  const result = await call(t, fakes, { type: 'gemini', yolo: true }, { prompt });
  assert.equal(result.ok, true, result.errorMessage);
  const [logged] = fakes.readLog();
  assert.equal(logged?.stdin, 'data');
  assert.equal(logged?.prompt, `${ROLE_PROMPT}\n\n---\n\n${prompt}\n\n${STDIN_PROMPT_POINTER}`);
  assert.ok(result.argv.join(' ').includes('--approval-mode yolo'));
});

test('gemini: a rate limit in stream-json exits 173 and is classified', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async () => ({ error: 'rate-limit' });`);
  const result = await call(t, fakes, { type: 'gemini' });
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, 173);
  assert.equal(result.errorKind, 'rate-limit');
});

test('gemini: a reviewer gets the default (read-only) approval mode and cannot write', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async (ctx) => ({ text: ctx.kind + ':' + ctx.writeFile('x.txt', 'x') });`);
  const result = await call(t, fakes, { type: 'gemini', yolo: true }, { purpose: 'review', prompt: '# Review of task t3\n\nJudge it.' });
  assert.equal(result.text, 'review:false');
  assert.ok(result.argv.join(' ').includes('--approval-mode default'));
});

test('command: an argv template with placeholders, JSON result and cost paths', async (t) => {
  const fakes = fakeAgents(t);
  const script = "const fs=require('fs');const [p,w]=process.argv.slice(1);console.log(JSON.stringify({answer:{text:fs.readFileSync(p,'utf8')+'@'+w},cost:0.25}))";
  const workdir = tempDir(t);
  const result = await call(t, fakes, { type: 'custom', argv: ['node', '-e', script, '{promptFile}', '{workdir}'], resultPath: 'answer.text', costPath: 'cost' }, { workdir });
  assert.equal(result.ok, true, result.errorMessage);
  assert.equal(result.text, `# Task t1: say hello\n\nSay hello.@${workdir}`);
  assert.equal(result.usd, 0.25);
  assert.equal(result.priced, false);
});

test('command: the default template passes the prompt as the last argument and succeeds by exit code', async (t) => {
  const fakes = fakeAgents(t);
  const ok = await call(t, fakes, { type: 'command', command: 'node', args: ['-e', 'console.log(process.argv.at(-1).toUpperCase())'] }, { prompt: 'say hi' });
  assert.equal(ok.ok, true);
  assert.equal(ok.text, 'SAY HI');
  assert.equal(ok.usd, 0);
  const failed = await call(t, fakes, { type: 'command', command: 'node', args: ['-e', 'console.error("boom"); process.exit(4)'] });
  assert.equal(failed.ok, false);
  assert.equal(failed.errorKind, 'exit');
  assert.match(failed.errorMessage ?? '', /exited with code 4: boom/);
});

test('a CLI that is not installed is a clear failure, not a crash', async (t) => {
  const fakes = fakeAgents(t);
  const result = await call(t, fakes, { type: 'claude', command: 'claude-not-installed-here' });
  assert.equal(result.ok, false);
  assert.equal(result.errorKind, 'exit');
  assert.match(result.errorMessage ?? '', /not found on PATH/);
});

test('an aborted call rejects with the abort reason once the agent is gone', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async () => ({ hangMs: 60000 });`);
  const controller = new AbortController();
  const reason = new Error('cancelled by the supervisor');
  await assert.rejects(call(t, fakes, { type: 'codex' }, { signal: controller.signal, onStart: () => controller.abort(reason) }), reason);
});
