/**
 * Fake `claude`, `codex` and `gemini` executables for tests (test/fixtures/bin → fake-agent/*.mjs).
 * They accept exactly the flags of the pinned CLI's committed help text, refuse others the way the
 * real one does, log every call, run a per-test scenario and print output in the real CLI's shape.
 *
 * Scenario module (`writeScript`): `export default async (ctx) => result`, where ctx is
 *   {cli, argv, cwd, prompt, systemPrompt, kind: 'implement'|'review'|'plan', callIndex, env,
 *    canWrite, sh(cmd), run(cmd) → {allowed, ok, exitCode?, output?}, readFile(path), writeFile(path, content) → boolean}
 * (writeFile honours the permission mode: refused in claude dontAsk/plan/manual, codex read-only,
 * gemini default/plan; claude reports refusals in permission_denials. run() is the model's shell
 * tool: it runs only what the CLI would allow (claude: bypass or a matching --allowedTools Bash
 * rule for every part; gemini: yolo or a --policy commandPrefix; codex: always, in its sandbox);
 * claude reports refused commands as Bash permission denials. sh() is never restricted.)
 * and result is
 *   {text?, exitCode?, costUsd? (claude), tokens?: {input, output, cached?}, isError?,
 *    permissionDenials?: string[] (claude tool names), error?: 'rate-limit'|'auth'|'server',
 *    stdout?: string (raw override), stderr?: string, hangMs?: number, ignoreTerm?: boolean,
 *    background?: string (shell command left running in the agent's group, holding its stdout)}.
 * Without a script: text 'MOCK_OK: hello from the fake model.', tokens 1200 in / 25 out, claude $0.005.
 * Started with a terminal and without -p (claude, gemini) or exec (codex), a fake is interactive:
 * it prints its argv, system prompt and prompt, then takes `write <path> <text>`, `sh <cmd>` and
 * `exit [code]` lines from the terminal (fake-agent/interactive.mjs).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { packageRoot } from '../../src/util/package-root.js';
import { tempDir } from './temp.js';

export type FakeCli = 'claude' | 'codex' | 'gemini';

/** One line of $FAKE_AGENT_LOG: what the fake CLI received. */
export interface FakeCall {
  cli: FakeCli;
  argv: string[];
  cwd: string;
  pid: number;
  /** devnull: /dev/null; eof: a pipe closed empty; data: text then EOF; open: still open after the CLI's wait; tty: a terminal (interactive mode). */
  stdin: 'devnull' | 'eof' | 'data' | 'open' | 'tty';
  /** The prompt as the model would receive it (argv and stdin combined the way the real CLI combines them). */
  prompt: string;
  /** claude: content of --append-system-prompt-file (or --append-system-prompt). */
  systemPrompt?: string;
  env: Record<string, string | undefined>;
  /** Started without -p / exec: the interactive fake (test/fixtures/fake-agent/interactive.mjs). */
  interactive?: boolean;
  /** The session an interactive start resumes. */
  resume?: string;
}

export interface FakeAgents {
  /** The fakes' bin directory. */
  binDir: string;
  /** process.env with the fakes first on PATH, FAKE_AGENT_LOG and FAKE_AGENT_SCRIPT set. */
  env: NodeJS.ProcessEnv;
  readLog(): FakeCall[];
  writeScript(source: string): void;
}

export const FAKE_TEXT = 'MOCK_OK: hello from the fake model.';

export function fakeAgents(t: TestContext | null): FakeAgents {
  const dir = tempDir(t, 'loop-fake-agents-');
  const binDir = join(packageRoot(), 'test', 'fixtures', 'bin');
  const log = join(dir, 'calls.jsonl');
  const script = join(dir, 'scenario.mjs');
  return {
    binDir,
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, FAKE_AGENT_LOG: log, FAKE_AGENT_SCRIPT: script },
    readLog: () =>
      existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as FakeCall) : [],
    writeScript: (source) => writeFileSync(script, source),
  };
}
