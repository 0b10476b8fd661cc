/**
 * Layer 1 of research/providers.md §8: every argv an adapter can generate uses only options the
 * pinned CLI lists in its committed --help (plus a short list of known hidden ones), with values
 * among the listed choices. This alone catches codex `--full-auto`/`--effort` and claude `@path`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { adapterFor, type Purpose } from '../../src/providers/types.js';
import { packageRoot } from '../../src/util/package-root.js';
import { contextFor, provider } from './fixtures.js';

interface HelpOption { names: string[]; value: 'none' | 'required' | 'optional'; variadic: boolean; choices?: string[]; hidden?: boolean }
type OptionTable = Map<string, HelpOption>;

const helpModule = (await import(pathToFileURL(join(packageRoot(), 'test/fixtures/fake-agent/help-options.mjs')).href)) as {
  loadOptions(cli: string): OptionTable;
  HIDDEN_OPTIONS: Record<string, HelpOption[]>;
};

const PURPOSES: Purpose[] = ['implement', 'review', 'plan'];
const EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
const PERMISSION_MODES = ['acceptEdits', 'bypassPermissions', 'default', 'plan', 'auto', 'dontAsk'] as const;
/** codex's `model_reasoning_effort` values (openai/codex config docs; research/providers.md §1). */
const CODEX_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const UUID = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const MAX_ARG_STRLEN = 128 * 1024;

type Config = Record<string, unknown> & { type: 'claude' | 'codex' | 'gemini' };
const CONFIGS: Config[] = [
  { type: 'claude' },
  { type: 'claude', model: 'sonnet' },
  ...EFFORTS.map((effort) => ({ type: 'claude' as const, model: 'opus', effort })),
  { type: 'claude', dangerouslySkipPermissions: true },
  ...PERMISSION_MODES.map((permissionMode) => ({ type: 'claude' as const, permissionMode })),
  { type: 'codex' },
  { type: 'codex', model: 'gpt-5' },
  ...EFFORTS.map((effort) => ({ type: 'codex' as const, effort })),
  { type: 'codex', yolo: true, model: 'gpt-5', effort: 'high' },
  { type: 'gemini' },
  { type: 'gemini', model: 'gemini-2.5-pro' },
  { type: 'gemini', yolo: true },
  { type: 'gemini', effort: 'high', model: 'gemini-2.5-flash' },
];
/** The project's own commands as loop learns them, including shapes the allow-lists must split or skip. */
const COMMAND_SETS: (readonly string[] | undefined)[] = [undefined, [], ['npm test', 'cd web && npm run lint', 'pytest tests/*.py', 'make check (x)']];
const PROMPTS = {
  short: '# Task t1: add a route\n\nAdd GET /health.',
  long: `# Task t2: big context\n\n${'x'.repeat(200_000)}`,
  dashed: '--not-a-flag is how this prompt starts',
};

const tables = new Map<string, OptionTable>([
  ['claude', helpModule.loadOptions('claude')],
  ['codex', helpModule.loadOptions('codex')],
  ['gemini', helpModule.loadOptions('gemini')],
]);

/** Walks argv like the CLI's parser would and returns the problems found. */
function check(cli: string, argv: string[]): string[] {
  const table = tables.get(cli)!;
  const problems: string[] = [];
  const positionals: string[] = [];
  const args = cli === 'codex' ? argv.slice(1) : argv;
  if (cli === 'codex' && argv[0] !== 'exec') problems.push(`codex argv must start with exec, got ${argv[0]}`);
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const [name, inline] = token.startsWith('--') && token.includes('=') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token, undefined];
    const option = table.get(name!);
    if (!option) {
      problems.push(`${name} is not an option of the pinned ${cli}`);
      continue;
    }
    if (option.value === 'none') continue;
    const value = inline ?? args[++i];
    if (value === undefined) problems.push(`${name} needs a value`);
    else if (option.choices && !option.choices.includes(value)) problems.push(`${name} ${value}: not one of ${option.choices.join(', ')}`);
    // a list option (commander `<x...>`, yargs `[array]`) takes every following word that is not an option
    if (option.variadic) while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) i += 1;
    if (name === '-c' || name === '--config') {
      const [key, setting] = (value ?? '').split('=');
      if (key === 'model_reasoning_effort' && !CODEX_EFFORTS.includes(setting!)) problems.push(`-c ${value}: not a codex reasoning effort`);
    }
  }
  if (positionals.length > (cli === 'gemini' ? 0 : 1)) problems.push(`unexpected positionals: ${positionals.map((p) => p.slice(0, 20)).join(', ')}`);
  for (const arg of argv) if (Buffer.byteLength(arg) >= MAX_ARG_STRLEN) problems.push(`an argv string of ${Buffer.byteLength(arg)} bytes exceeds MAX_ARG_STRLEN`);
  return problems;
}

test('every argv the adapters generate uses only options of the pinned CLIs, with valid values', (t) => {
  let checked = 0;
  const bases = Object.entries(PROMPTS).map(([kind, prompt]) => ({ kind, ctx: contextFor(t, { type: 'claude' }, { prompt }) }));
  for (const config of CONFIGS) {
    for (const purpose of PURPOSES) {
      for (const { kind, ctx: base } of bases) {
        for (const sessionId of [undefined, UUID]) {
          for (const allowedCommands of COMMAND_SETS) {
            const ctx = { ...base, provider: provider(config), purpose, ...(sessionId ? { sessionId } : {}), ...(allowedCommands ? { allowedCommands } : {}) };
            const invocation = adapterFor(config.type).build(ctx);
            const problems = check(config.type, invocation.args);
            assert.deepEqual(problems, [], `${JSON.stringify(config)} ${purpose} ${kind} prompt: ${invocation.args.slice(0, 16).join(' ')}`);
            checked++;
          }
        }
      }
    }
  }
  assert.equal(checked, CONFIGS.length * PURPOSES.length * 3 * 2 * COMMAND_SETS.length);
});

test('a list option (claude --allowedTools, gemini --policy) takes the words after it up to the next option', () => {
  assert.deepEqual(check('claude', ['-p', 'hi', '--allowedTools', 'Bash(npm test *)', 'Bash(make lint *)', '--permission-mode', 'acceptEdits']), []);
  assert.deepEqual(check('gemini', ['-p', 'x', '--policy', '/tmp/a.toml', '--approval-mode', 'auto_edit']), []);
  assert.deepEqual(check('claude', ['-p', 'hi', '--permission-mode', 'acceptEdits', 'stray']), ['unexpected positionals: hi, stray']);
});

test('the flags the old orchestrator used are refused by the static check', () => {
  assert.deepEqual(check('codex', ['exec', '--full-auto', '--json', 'hi']), ['--full-auto is not an option of the pinned codex']);
  assert.deepEqual(check('codex', ['exec', '--effort', 'medium', 'hi']), ['--effort is not an option of the pinned codex', 'unexpected positionals: medium, hi']);
  assert.deepEqual(check('claude', ['-p', 'hi', '--cwd', '/x']), ['--cwd is not an option of the pinned claude', 'unexpected positionals: hi, /x']);
  assert.deepEqual(check('gemini', ['-p', 'hi', '--approval-mode', 'full']), ['--approval-mode full: not one of default, auto_edit, yolo, plan']);
  assert.deepEqual(check('claude', ['-p', 'hi', '--permission-mode', 'default']), ['--permission-mode default: not one of acceptEdits, auto, bypassPermissions, manual, dontAsk, plan']);
  assert.deepEqual(check('codex', ['exec', '-c', 'model_reasoning_effort=max', 'hi']), ['-c model_reasoning_effort=max: not a codex reasoning effort']);
});

test('the system prompt reaches claude as a file, never as an @path string', (t) => {
  for (const purpose of PURPOSES) {
    const ctx = contextFor(t, { type: 'claude' }, { purpose });
    const args = adapterFor('claude').build(ctx).args;
    assert.equal(args[args.indexOf('--append-system-prompt-file') + 1], ctx.systemPromptFile);
    assert.ok(!args.includes('--append-system-prompt'));
    assert.ok(!args.some((arg) => arg.startsWith('@')));
  }
});

test('the help-text reader knows the facts the adapters rely on', () => {
  const claude = tables.get('claude')!;
  assert.deepEqual(claude.get('--permission-mode')?.choices, ['acceptEdits', 'auto', 'bypassPermissions', 'manual', 'dontAsk', 'plan']);
  assert.deepEqual(claude.get('--effort')?.choices, ['low', 'medium', 'high', 'xhigh', 'max']);
  assert.equal(claude.get('-p')?.value, 'none');
  assert.equal(claude.get('--append-system-prompt-file')?.hidden, true);
  const codex = tables.get('codex')!;
  assert.deepEqual(codex.get('--sandbox')?.choices, ['read-only', 'workspace-write', 'danger-full-access']);
  assert.equal(codex.get('-C'), codex.get('--cd'));
  assert.equal(codex.has('--full-auto'), false);
  assert.equal(codex.has('--effort'), false);
  const gemini = tables.get('gemini')!;
  assert.deepEqual(gemini.get('--approval-mode')?.choices, ['default', 'auto_edit', 'yolo', 'plan']);
  assert.equal(gemini.get('--skip-trust')?.value, 'none');
  assert.equal(gemini.get('-p')?.value, 'required');
  assert.equal(claude.get('--allowedTools')?.variadic, true);
  assert.equal(claude.get('--allowedTools'), claude.get('--allowed-tools'));
  assert.equal(gemini.get('--policy')?.variadic, true);
  assert.deepEqual(helpModule.HIDDEN_OPTIONS.gemini, []);
});
