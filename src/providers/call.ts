/**
 * One provider call, end to end: the adapter builds the command line, `runAgent` runs it, the
 * adapter parses the output, and the cost is made per-call (claude's cumulative session totals) or
 * priced from tokens (codex, gemini, command). Failures of the agent are data in the result; only
 * an abort rejects, with the signal's reason, after the process group is gone.
 */
import { writeFileSync } from 'node:fs';
import type { AgentResult } from '../../protocol/index.js';
import { priceFor, priceTokens } from './prices.js';
import { runAgent } from './run-agent.js';
import { SessionCosts } from './session-costs.js';
import { adapterFor, type InvocationContext } from './types.js';

export { SessionCosts };

export interface CallProviderOptions extends InvocationContext {
  deadlineMs: number;
  logFile: string;
  signal?: AbortSignal;
  onStart?: (pid: number) => void;
  onExit?: (pid: number) => void;
  /** Per-actor memory of cumulative session totals; without it a resumed session is charged in full again. */
  costs?: SessionCosts;
}

/** CLIs whose reported usage is cumulative over a resumed session. */
const CUMULATIVE = new Set(['claude', 'codex']);

export async function callProvider(options: CallProviderOptions): Promise<AgentResult> {
  const { deadlineMs, logFile, signal, onStart, onExit, costs, ...ctx } = options;
  const adapter = adapterFor(ctx.provider.config.type);
  const invocation = adapter.build(ctx);
  for (const file of invocation.files ?? []) writeFileSync(file.path, file.text);
  const raw = await runAgent({
    invocation, deadlineMs, logFile,
    ...(signal ? { signal } : {}),
    ...(onStart ? { onStart } : {}),
    ...(onExit ? { onExit } : {}),
  });
  if (signal?.aborted) throw signal.reason ?? new DOMException('the provider call was aborted', 'AbortError');

  const parsed = adapter.parse(raw, ctx);
  const cumulative = costs !== undefined && CUMULATIVE.has(adapter.type);
  const tokens = cumulative ? costs.deltaTokens(parsed.sessionId, parsed.tokens) : parsed.tokens;
  const model = parsed.model ?? ctx.provider.config.model;
  const priced = parsed.usd === null;
  let usd: number;
  if (parsed.usd === null) usd = priceTokens(tokens, priceFor(ctx.provider.config.type, model, ctx.provider.config.prices));
  else usd = cumulative ? costs.delta(parsed.sessionId, parsed.usd) : parsed.usd;

  return {
    ok: parsed.ok,
    text: parsed.ok ? parsed.text : parsed.text || parsed.errorMessage || '',
    usd,
    tokens,
    priced,
    model,
    sessionId: parsed.sessionId,
    errorKind: parsed.errorKind,
    errorMessage: parsed.errorMessage,
    exitCode: raw.exitCode,
    signal: raw.signal,
    timedOut: raw.timedOut,
    durationMs: raw.durationMs,
    argv: [invocation.command, ...invocation.args],
  };
}
