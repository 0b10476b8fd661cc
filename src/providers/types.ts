/**
 * The provider layer's one interface: an adapter turns an invocation context into the exact argv,
 * env and stdin of one headless agent CLI call (`build`), and the CLI's raw output into a parsed
 * result (`parse`). Running the process is `run-agent.ts`; gluing both is `call.ts`.
 */
import type { ErrorKind, ProviderSpec, ProviderType, Tokens } from '../../protocol/index.js';
import { claudeAdapter } from './claude.js';
import { codexAdapter } from './codex.js';
import { commandAdapter } from './command.js';
import { geminiAdapter } from './gemini.js';

/** Why the agent is called: implementers may edit their worktree; reviewers and planners are read-only. */
export type Purpose = 'implement' | 'review' | 'plan';

export interface InvocationContext {
  provider: ProviderSpec;
  purpose: Purpose;
  prompt: string;
  /** The prompt, already written to disk. */
  promptFile: string;
  /** The role's system prompt, on disk. */
  systemPromptFile: string;
  workdir: string;
  /** Base environment of the agent (usually process.env); the provider's `env` is laid over it. */
  env: NodeJS.ProcessEnv;
  /** A session id chosen by the caller (claude and gemini `--session-id`; must be a UUID). */
  sessionId?: string;
  /**
   * The project's own commands (test, build, lint, format) an implementer may run without asking;
   * each adapter turns them into its CLI's allow-list (allow-list.ts). Ignored for reviewers and planners.
   */
  allowedCommands?: readonly string[];
}

export interface Invocation {
  command: string;
  args: string[];
  /** The complete environment of the agent process. */
  env: Record<string, string>;
  cwd: string;
  /** Text written to stdin, which is then closed; null = stdin is /dev/null. */
  stdin: { text: string } | null;
  /** Files the CLI reads (gemini's policy file), written before it starts; never inside the worktree. */
  files?: { path: string; text: string }[];
}

export interface RawOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** Signal that ended the agent process (the group leader), if any. */
  signal: string | null;
  /** The deadline fired and the process group was killed. */
  timedOut: boolean;
  durationMs: number;
}

export interface ParsedOutput {
  ok: boolean;
  text: string;
  /** Dollars the CLI reported (claude: cumulative for the session); null = not reported, price the tokens. */
  usd: number | null;
  tokens: Tokens;
  model?: string;
  sessionId?: string;
  errorKind?: ErrorKind;
  errorMessage?: string;
}

export interface ProviderAdapter {
  readonly type: 'claude' | 'codex' | 'gemini' | 'command';
  build(ctx: InvocationContext): Invocation;
  parse(raw: RawOutput, ctx: InvocationContext): ParsedOutput;
}

/** The adapter of a provider type; `custom` is an alias of `command`. `sim` has none: it runs in-process. */
export function adapterFor(type: ProviderType): ProviderAdapter {
  switch (type) {
    case 'claude':
      return claudeAdapter;
    case 'codex':
      return codexAdapter;
    case 'gemini':
      return geminiAdapter;
    case 'command':
    case 'custom':
      return commandAdapter;
    case 'sim':
      throw new Error('the sim provider runs in-process and has no CLI adapter (see src/providers/sim/)');
  }
}
