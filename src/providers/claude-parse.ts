/**
 * Reads claude's stdout in any of its JSON shapes: one result object (json), an array of messages
 * (json + --verbose) or JSON lines ending with the result (stream-json). Exit 0 is not success:
 * `is_error` is authoritative and a non-empty `permission_denials` means the work was not done.
 */
import type { ErrorKind, Tokens } from '../../protocol/index.js';
import {
  failureWithoutResult, isObject, jsonLines, kindOfErrorText, kindOfHttpStatus, num, str, NO_TOKENS, type Json,
} from './parse-helpers.js';
import type { InvocationContext, ParsedOutput, RawOutput } from './types.js';

export function parseClaude(raw: RawOutput, ctx: InvocationContext): ParsedOutput {
  const messages = jsonLines(raw.stdout).filter(isObject);
  const result = messages.findLast((message) => message.type === 'result');
  const init = messages.find((message) => message.type === 'system' && message.subtype === 'init');
  const rateLimited = messages.some(isRateLimitRetry);
  if (result === undefined) return withoutResult(raw, messages, init, rateLimited);

  const text = str(result.result) ?? (Array.isArray(result.errors) ? result.errors.map(String).join('\n') : '');
  const base = {
    text,
    usd: typeof result.total_cost_usd === 'number' ? result.total_cost_usd : null,
    tokens: resultTokens(result),
    model: topModel(result) ?? str(init?.model),
    sessionId: str(result.session_id) ?? str(init?.session_id),
  };
  // A success result printed before the process hung on exit still holds finished work.
  const exitedCleanly = raw.exitCode === 0 || (raw.timedOut && result.subtype === 'success');
  if (result.is_error !== true && exitedCleanly) {
    const denials = Array.isArray(result.permission_denials) ? result.permission_denials.filter(isObject) : [];
    // Reviewers and planners are read-only on purpose: a refused write is expected, not a failure.
    if (denials.length > 0 && ctx.purpose === 'implement') {
      return { ...base, ok: false, errorKind: 'permission', errorMessage: `claude was refused ${denials.length} tool call(s): ${denials.map(describeDenial).join('; ')}` };
    }
    return { ...base, ok: true };
  }
  if (result.is_error !== true) {
    return { ...base, ok: false, errorKind: 'exit', errorMessage: `claude exited with code ${raw.exitCode} after a successful result` };
  }
  return { ...base, ok: false, errorKind: classifyError(result, text, rateLimited), errorMessage: text || `claude reported an error (${str(result.subtype) ?? 'unknown'})` };
}

function classifyError(result: Json, text: string, rateLimited: boolean): ErrorKind {
  const type = str(result.api_error_type);
  const status = typeof result.api_error_status === 'number' ? result.api_error_status : undefined;
  if (type === 'rate_limit_error') return 'rate-limit';
  if (type === 'authentication_error' || type === 'permission_error') return 'auth';
  if (type === 'overloaded_error' || type === 'api_error') return 'api';
  const byStatus = kindOfHttpStatus(status);
  if (byStatus) return byStatus;
  if (result.api_error === 'connection_failed') return 'api';
  // error_max_turns, error_max_budget_usd, error_during_execution: the CLI stopped itself
  if (str(result.subtype)?.startsWith('error_')) return 'exit';
  return kindOfErrorText(text) ?? (rateLimited ? 'rate-limit' : 'api');
}

function withoutResult(raw: RawOutput, messages: Json[], init: Json | undefined, rateLimited: boolean): ParsedOutput {
  const failure = failureWithoutResult(raw, 'claude');
  let errorKind = failure.errorKind;
  let errorMessage = failure.errorMessage;
  if (rateLimited && (raw.timedOut || raw.signal !== null)) {
    errorKind = 'rate-limit';
    errorMessage = `${failure.errorMessage}; claude was retrying a rate limit (429)`;
  } else if (errorKind === 'exit') {
    // plain text mode or a startup failure: "Not logged in · Please run /login" on stdout
    errorKind = kindOfErrorText(`${raw.stdout}\n${raw.stderr}`) ?? 'exit';
    if (raw.stdout.trim() !== '' && messages.length === 0) errorMessage = `claude exited with code ${raw.exitCode}: ${raw.stdout.trim().slice(0, 500)}`;
  } else if (errorKind === 'bad-output' && messages.length === 0) {
    errorMessage = 'claude printed plain text, not JSON: remove --output-format from the provider\'s args (loop needs stream-json for costs)';
  }
  // A killed call still spent money: estimate it from the usage of the assistant messages seen so far.
  const partial = assistantUsage(messages);
  return {
    ok: false,
    text: '',
    usd: null,
    tokens: partial.tokens,
    model: partial.model ?? str(init?.model),
    sessionId: str(init?.session_id),
    errorKind,
    errorMessage,
  };
}

function isRateLimitRetry(message: Json): boolean {
  return message.type === 'system' && message.subtype === 'api_retry' && (message.error === 'rate_limit' || message.error_status === 429);
}

/** modelUsage covers subagents too (the SDK's advice for accounting); usage is the main loop only. */
function resultTokens(result: Json): Tokens {
  if (isObject(result.modelUsage) && Object.keys(result.modelUsage).length > 0) {
    const tokens = { input: 0, output: 0, cached: 0 };
    for (const usage of Object.values(result.modelUsage).filter(isObject)) {
      tokens.input += num(usage.inputTokens) + num(usage.cacheReadInputTokens) + num(usage.cacheCreationInputTokens);
      tokens.output += num(usage.outputTokens);
      tokens.cached += num(usage.cacheReadInputTokens);
    }
    return tokens;
  }
  return isObject(result.usage) ? usageTokens(result.usage) : { ...NO_TOKENS };
}

/** Anthropic's input_tokens excludes cache reads and writes; loop's `input` counts all input. */
function usageTokens(usage: Json): Tokens {
  const cached = num(usage.cache_read_input_tokens);
  return { input: num(usage.input_tokens) + cached + num(usage.cache_creation_input_tokens), output: num(usage.output_tokens), cached };
}

/** stream-json repeats a message once per content block: count each message id once. */
function assistantUsage(messages: Json[]): { tokens: Tokens; model: string | undefined } {
  const seen = new Map<string, Json>();
  for (const message of messages) {
    if (message.type !== 'assistant' || !isObject(message.message)) continue;
    seen.set(str(message.message.id) ?? String(seen.size), message.message);
  }
  const tokens = { ...NO_TOKENS, cached: 0 };
  let model: string | undefined;
  for (const message of seen.values()) {
    if (isObject(message.usage)) {
      const usage = usageTokens(message.usage);
      tokens.input += usage.input;
      tokens.output += usage.output;
      tokens.cached += usage.cached ?? 0;
    }
    const name = str(message.model);
    if (name && !name.startsWith('<')) model = name;
  }
  return { tokens, model };
}

function topModel(result: Json): string | undefined {
  if (!isObject(result.modelUsage)) return undefined;
  const models = Object.entries(result.modelUsage).filter(([, usage]) => isObject(usage)) as Array<[string, Json]>;
  models.sort(([, a], [, b]) => num(b.costUSD) - num(a.costUSD) || num(b.outputTokens) - num(a.outputTokens));
  return models[0]?.[0];
}

function describeDenial(denial: Json): string {
  const tool = str(denial.tool_name) ?? 'a tool';
  const input = isObject(denial.tool_input) ? str(denial.tool_input.command) ?? str(denial.tool_input.file_path) : undefined;
  return input ? `${tool} (${input.slice(0, 120)})` : tool;
}

