/**
 * Interactive command lines (takeover, `loop start --execute`): the role prompt is loaded, not
 * named; a takeover after the agent resumes its session; and the pinned CLIs' parsers (modelled by
 * the fakes from the committed help texts) accept every argv.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';
import { interactiveCommand } from '../../src/providers/interactive.js';
import { packageRoot } from '../../src/util/package-root.js';
import { contextFor, provider } from './fixtures.js';

const fakes = join(packageRoot(), 'test/fixtures/fake-agent');
const args = (await import(pathToFileURL(join(fakes, 'cli-args.mjs')).href)) as {
  parseCommander(argv: string[], table: unknown): { positionals: string[]; get(name: string): unknown };
  parseClap(argv: string[], table: unknown, max: number): { positionals: string[]; get(name: string): unknown };
  parseYargs(argv: string[], table: unknown, help: string): { positionals: string[]; get(name: string): unknown };
};
const help = (await import(pathToFileURL(join(fakes, 'help-options.mjs')).href)) as { loadOptions(cli: string): unknown };
const GEMINI_HELP = join(packageRoot(), 'test/fixtures/providers/gemini/help-root.txt');

function setup(t: test.TestContext, config: Parameters<typeof provider>[0]) {
  const ctx = contextFor(t, config, { systemPrompt: '# Backend engineer (be1)\nYou build APIs.', prompt: '# Task t1: add subtract\n\nDo it.' });
  return { provider: ctx.provider, systemPromptFile: ctx.systemPromptFile, promptFile: ctx.promptFile, workdir: ctx.workdir };
}

test('claude: the role prompt is its system prompt file, the task is the opening prompt; a takeover after the agent resumes its session', (t) => {
  const base = setup(t, { type: 'claude', model: 'sonnet', permissionMode: 'acceptEdits' });
  const fresh = interactiveCommand(base).argv;
  assert.deepEqual(fresh, ['claude', '--append-system-prompt-file', base.systemPromptFile, '--model', 'sonnet', '--permission-mode', 'acceptEdits', '# Task t1: add subtract\n\nDo it.']);
  const resumed = interactiveCommand({ ...base, resume: 'sess-1' }).argv;
  assert.deepEqual(resumed.slice(-2), ['--resume', 'sess-1']);
  const start = interactiveCommand({ ...base, promptFile: null }).argv;
  assert.equal(start.at(-1), 'acceptEdits', '`loop start` opens with no task');
  for (const argv of [fresh, resumed, start]) args.parseCommander(argv.slice(1), help.loadOptions('claude'));
});

test('codex and gemini have no system-prompt flag: the role prompt leads the opening prompt, as text', (t) => {
  const codex = setup(t, { type: 'codex', model: 'gpt-5' });
  const codexArgv = interactiveCommand(codex).argv;
  assert.equal(codexArgv[0], 'codex');
  assert.match(codexArgv.at(-1)!, /^# Backend engineer \(be1\)\nYou build APIs\.\n\n---\n\n# Task t1: add subtract/);
  args.parseClap(codexArgv.slice(1), help.loadOptions('codex-root'), 1);
  const codexResume = interactiveCommand({ ...codex, resume: 'thread-1' }).argv;
  assert.deepEqual([codexResume[1], codexResume.at(-1)], ['resume', 'thread-1']);
  args.parseClap(codexResume.slice(2), help.loadOptions('codex-root'), 2);

  const gemini = setup(t, { type: 'gemini' });
  const geminiArgv = interactiveCommand(gemini).argv;
  assert.equal(geminiArgv.at(-2), '-i');
  assert.match(geminiArgv.at(-1)!, /^# Backend engineer \(be1\)/);
  assert.ok(geminiArgv.includes('--skip-trust'));
  args.parseYargs(geminiArgv.slice(1), help.loadOptions('gemini'), GEMINI_HELP);
  const geminiResume = interactiveCommand({ ...gemini, resume: 'x' }).argv;
  assert.deepEqual(geminiResume.slice(-2), ['--resume', 'latest']);
  args.parseYargs(geminiResume.slice(1), help.loadOptions('gemini'), GEMINI_HELP);
});

test('sim and command providers have no TUI: a shell in the worktree, with the prompts printed first', (t) => {
  const sim = setup(t, { type: 'sim' });
  const { argv, env } = interactiveCommand(sim);
  assert.equal(argv[0], 'sh');
  assert.deepEqual(argv.slice(-2), [sim.systemPromptFile, sim.promptFile]);
  assert.match(env['LOOP_BANNER']!, /no interactive CLI: this is a shell in/);
});
