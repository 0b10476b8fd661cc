/**
 * Reads `codex exec --json` JSONL: the thread id from `thread.started`, the final text from the
 * last `agent_message` item, tokens from the last `turn.completed`. `error` lines are retry notices;
 * only `turn.failed` (or no `turn.completed`) is a failure. codex reports tokens, never dollars.
 */
import type { ErrorKind, Tokens } from '../../protocol/index.js';
import { failureWithoutResult, isObject, jsonLines, kindOfErrorText, num, str, NO_TOKENS, type Json } from './parse-helpers.js';
import type { InvocationContext, ParsedOutput, RawOutput } from './types.js';

export function parseCodex(raw: RawOutput, ctx: InvocationContext): ParsedOutput {
  const events = jsonLines(raw.stdout).filter(isObject);
  let sessionId: string | undefined;
  let text = '';
  let usage: Json | undefined;
  let failed: string | undefined;
  let lastError: string | undefined;
  for (const event of events) {
    if (event.type === 'thread.started') sessionId = str(event.thread_id);
    else if (event.type === 'item.completed' && isObject(event.item) && event.item.type === 'agent_message') text = str(event.item.text) ?? text;
    else if (event.type === 'turn.completed') usage = isObject(event.usage) ? event.usage : {};
    else if (event.type === 'turn.failed') failed = (isObject(event.error) ? str(event.error.message) : undefined) ?? 'turn failed';
    else if (event.type === 'error') lastError = str(event.message) ?? lastError;
  }
  const base = { text, usd: null, tokens: usage ? tokensOf(usage) : { ...NO_TOKENS }, model: ctx.provider.config.model, sessionId };

  if (failed !== undefined) return { ...base, ok: false, errorKind: kindOfErrorText(failed) ?? 'api', errorMessage: failed };
  if (usage !== undefined && raw.exitCode === 0) return { ...base, ok: true };
  if (usage !== undefined && raw.timedOut) return { ...base, ok: true }; // the turn completed; the process hung on exit

  const failure = failureWithoutResult(raw, 'codex');
  if (lastError !== undefined && (raw.timedOut || raw.signal !== null)) {
    // killed while retrying: "Reconnecting... 3/5 (… last status: 429 …)" says why it never finished
    const retryKind: ErrorKind = kindOfErrorText(lastError) ?? failure.errorKind;
    return { ...base, ok: false, errorKind: retryKind, errorMessage: `${failure.errorMessage}; last error: ${lastError}` };
  }
  return { ...base, ok: false, ...failure };
}

/** OpenAI's input_tokens include the cached ones and output_tokens include reasoning, as loop counts them. */
function tokensOf(usage: Json): Tokens {
  return { input: num(usage.input_tokens), output: num(usage.output_tokens), cached: num(usage.cached_input_tokens) };
}
