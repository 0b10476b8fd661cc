import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_PROMPT_ARG_BYTES } from '../../src/providers/build-helpers.js';
import { adapterFor } from '../../src/providers/types.js';
import { contextFor } from './fixtures.js';

const asRoot = process.getuid?.() === 0;
const LONG = `# Task t1: big\n\n${'y'.repeat(MAX_PROMPT_ARG_BYTES)}`;

test('claude: prompt, stream-json with --verbose, system prompt file, model, effort, session, extra args last', (t) => {
  const ctx = contextFor(t, { type: 'claude', model: 'opus', effort: 'minimal', args: ['--max-turns', '40'], env: { ANTHROPIC_API_KEY: 'k' } }, { sessionId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', env: { PATH: '/bin', HOME: '/h' } });
  const invocation = adapterFor('claude').build(ctx);
  assert.equal(invocation.command, 'claude');
  assert.deepEqual(invocation.args, [
    '-p', ctx.prompt, '--output-format', 'stream-json', '--verbose', '--append-system-prompt-file', ctx.systemPromptFile,
    '--model', 'opus', '--effort', 'low', '--permission-mode', 'acceptEdits', '--session-id', '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', '--max-turns', '40',
  ]);
  assert.equal(invocation.cwd, ctx.workdir);
  assert.equal(invocation.stdin, null);
  assert.deepEqual(invocation.env, { PATH: '/bin', HOME: '/h', ANTHROPIC_API_KEY: 'k' });
});

test('claude: the permission mode per purpose and config', (t) => {
  const args = (config: Record<string, unknown>, purpose: 'implement' | 'review' | 'plan' = 'implement') =>
    adapterFor('claude').build(contextFor(t, { type: 'claude', ...config }, { purpose })).args.slice(7).join(' ');
  assert.equal(args({}), '--permission-mode acceptEdits');
  assert.equal(args({ permissionMode: 'default' }), '--permission-mode manual', '2.1.331 calls it manual');
  assert.equal(args({ permissionMode: 'plan' }), '--permission-mode plan');
  assert.equal(args({ dangerouslySkipPermissions: true }), '--dangerously-skip-permissions');
  assert.equal(args({ dangerouslySkipPermissions: true }, 'review'), '--permission-mode dontAsk');
  assert.equal(args({ permissionMode: 'bypassPermissions' }, 'plan'), '--permission-mode dontAsk');
});

test('claude: IS_SANDBOX=1 only when bypassing permissions as root', (t) => {
  const env = (config: Record<string, unknown>, purpose: 'implement' | 'review' = 'implement') =>
    adapterFor('claude').build(contextFor(t, { type: 'claude', ...config }, { purpose, env: { IS_SANDBOX: 'yes' } })).env.IS_SANDBOX;
  assert.equal(env({ dangerouslySkipPermissions: true }), asRoot ? '1' : 'yes');
  assert.equal(env({ permissionMode: 'bypassPermissions' }), asRoot ? '1' : 'yes');
  assert.equal(env({}), 'yes');
  assert.equal(env({ dangerouslySkipPermissions: true }, 'review'), 'yes');
});

test('claude: a long prompt, or one that looks like a flag, goes through stdin', (t) => {
  for (const prompt of [LONG, '-rf everything']) {
    const invocation = adapterFor('claude').build(contextFor(t, { type: 'claude' }, { prompt }));
    assert.deepEqual(invocation.args.slice(0, 3), ['-p', '--output-format', 'stream-json']);
    assert.deepEqual(invocation.stdin, { text: prompt });
  }
});

test('codex: exec with json, trust skip, workdir, model, effort as config, sandbox, args before the prompt', (t) => {
  const ctx = contextFor(t, { type: 'codex', model: 'gpt-5', effort: 'max', args: ['-c', 'openai_base_url="http://127.0.0.1:1/v1"'] }, { systemPrompt: 'ROLE' });
  const invocation = adapterFor('codex').build(ctx);
  assert.deepEqual(invocation.args, [
    'exec', '--json', '--skip-git-repo-check', '-C', ctx.workdir, '-m', 'gpt-5', '-c', 'model_reasoning_effort=xhigh',
    '--sandbox', 'workspace-write', '-c', 'openai_base_url="http://127.0.0.1:1/v1"', `ROLE\n\n---\n\n${ctx.prompt}`,
  ]);
  assert.equal(invocation.stdin, null);
  assert.deepEqual(readdirSync(ctx.workdir).sort(), ['prompt.md', 'system.md'], 'no AGENTS.md is written into the worktree');
});

test('codex: sandbox per purpose; yolo bypasses it only for implementers; long prompts via stdin', (t) => {
  const args = (config: Record<string, unknown>, purpose: 'implement' | 'review' | 'plan' = 'implement') =>
    adapterFor('codex').build(contextFor(t, { type: 'codex', ...config }, { purpose })).args.join(' ');
  assert.match(args({ yolo: true }), / --dangerously-bypass-approvals-and-sandbox /);
  assert.match(args({ yolo: true }, 'review'), / --sandbox read-only /);
  assert.match(args({}, 'plan'), / --sandbox read-only /);
  const long = adapterFor('codex').build(contextFor(t, { type: 'codex' }, { prompt: LONG }));
  assert.equal(long.args.at(-1), '-');
  assert.ok(long.stdin?.text.endsWith(LONG));
});

test('gemini: -p with the role prompt, stream-json, --skip-trust always, approval mode per purpose', (t) => {
  const ctx = contextFor(t, { type: 'gemini', model: 'gemini-2.5-pro', effort: 'high' }, { systemPrompt: 'ROLE', sessionId: 'abc' });
  assert.deepEqual(adapterFor('gemini').build(ctx).args, [
    '-p', `ROLE\n\n---\n\n${ctx.prompt}`, '--output-format', 'stream-json', '--skip-trust', '-m', 'gemini-2.5-pro', '--approval-mode', 'auto_edit', '--session-id', 'abc',
  ]);
  const mode = (config: Record<string, unknown>, purpose: 'implement' | 'review' | 'plan') => {
    const args = adapterFor('gemini').build(contextFor(t, { type: 'gemini', ...config }, { purpose })).args;
    return args[args.indexOf('--approval-mode') + 1];
  };
  assert.equal(mode({ yolo: true }, 'implement'), 'yolo');
  assert.equal(mode({ yolo: true }, 'review'), 'default');
  assert.equal(mode({}, 'plan'), 'default');
});

test('command: placeholders are replaced inside arguments, without a shell', (t) => {
  const ctx = contextFor(t, { type: 'command', argv: ['my-agent', '--prompt-file={promptFile}', '--cwd', '{workdir}', '--', '{prompt}', '$HOME {unknown}'] });
  const invocation = adapterFor('command').build(ctx);
  assert.equal(invocation.command, 'my-agent');
  assert.deepEqual(invocation.args, [`--prompt-file=${ctx.promptFile}`, '--cwd', ctx.workdir, '--', ctx.prompt, '$HOME {unknown}']);
  assert.equal(invocation.cwd, ctx.workdir);
});

test('command: without command or argv the provider cannot be built', (t) => {
  assert.throws(() => adapterFor('custom').build(contextFor(t, { type: 'custom' })), /needs "command" or a non-empty "argv"/);
});

test('adapterFor: custom is command; sim has no CLI adapter', () => {
  assert.equal(adapterFor('custom'), adapterFor('command'));
  assert.equal(adapterFor('claude').type, 'claude');
  assert.throws(() => adapterFor('sim'), /runs in-process/);
});

test('a missing system prompt file is a clear error, not a silent empty role', (t) => {
  const ctx = contextFor(t, { type: 'codex' });
  const missing = { ...ctx, systemPromptFile: join(ctx.workdir, 'nope.md') };
  assert.ok(!existsSync(missing.systemPromptFile));
  assert.throws(() => adapterFor('codex').build(missing), /cannot read the system prompt of provider "codex"/);
});

test("claude: the project's commands become --allowedTools rules before --permission-mode, for implementers that do not bypass", (t) => {
  const allowedCommands = ['npm test', 'npm run lint'];
  const args = (config: Record<string, unknown>, purpose: 'implement' | 'review' | 'plan' = 'implement') =>
    adapterFor('claude').build(contextFor(t, { type: 'claude', ...config }, { purpose, allowedCommands })).args.slice(7).join(' ');
  assert.equal(args({}), '--allowedTools Bash(npm test *) Bash(npm run lint *) --permission-mode acceptEdits');
  assert.equal(args({ permissionMode: 'default', args: ['--max-turns', '30'] }), '--allowedTools Bash(npm test *) Bash(npm run lint *) --permission-mode manual --max-turns 30');
  assert.equal(args({ dangerouslySkipPermissions: true }), '--dangerously-skip-permissions', 'bypassing allows every command already');
  assert.equal(args({ permissionMode: 'bypassPermissions' }), '--permission-mode bypassPermissions');
  assert.equal(args({}, 'review'), '--permission-mode dontAsk', 'a reviewer stays read-only');
  assert.equal(args({}, 'plan'), '--permission-mode dontAsk');
  const none = adapterFor('claude').build(contextFor(t, { type: 'claude' }, { allowedCommands: [] })).args;
  assert.ok(!none.includes('--allowedTools'));
});

test('claude: a user-set --allowedTools in args is kept after ours (commander adds both lists up)', (t) => {
  const invocation = adapterFor('claude').build(contextFor(t, { type: 'claude', args: ['--allowedTools', 'Bash(git status)'] }, { allowedCommands: ['make test'] }));
  assert.deepEqual(invocation.args.slice(7), ['--allowedTools', 'Bash(make test *)', '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash(git status)']);
});

test("gemini: the project's commands become a --policy file beside the prompt, for auto_edit implementers only", (t) => {
  const ctx = contextFor(t, { type: 'gemini' }, { allowedCommands: ['npm test', 'cd web && npm run lint'] });
  const invocation = adapterFor('gemini').build(ctx);
  const policyPath = ctx.promptFile.replace(/\.md$/, '.gemini-policy.toml');
  assert.deepEqual(invocation.args.slice(2), ['--output-format', 'stream-json', '--skip-trust', '--policy', policyPath, '--approval-mode', 'auto_edit']);
  assert.equal(invocation.files?.length, 1);
  assert.equal(invocation.files![0]!.path, policyPath);
  assert.match(invocation.files![0]!.text, /commandPrefix = \[ "npm test", "cd web", "npm run lint" \]/);
  assert.ok(!existsSync(policyPath), 'build writes nothing; the caller writes invocation.files');
  for (const [config, purpose] of [[{ yolo: true }, 'implement'], [{}, 'review'], [{}, 'plan']] as const) {
    const other = adapterFor('gemini').build(contextFor(t, { type: 'gemini', ...config }, { purpose, allowedCommands: ['npm test'] }));
    assert.ok(!other.args.includes('--policy') && other.files === undefined, `${JSON.stringify(config)} ${purpose}`);
  }
});

test('codex: the sandbox already runs the project commands; nothing is added to the argv', (t) => {
  const withCommands = adapterFor('codex').build(contextFor(t, { type: 'codex' }, { allowedCommands: ['npm test'] }));
  const without = adapterFor('codex').build(contextFor(t, { type: 'codex' }));
  assert.deepEqual(withCommands.args.slice(0, -1).filter((arg) => !arg.startsWith('/')), without.args.slice(0, -1).filter((arg) => !arg.startsWith('/')));
  assert.equal(withCommands.files, undefined);
});
