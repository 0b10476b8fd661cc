/**
 * Reads gemini's output: stream-json lines ending with a `result` (also on API errors), or the json
 * mode object on stdout. Errors before or outside a result are on STDERR: a JSON object with
 * `error.code` in json mode, plain text otherwise. Exit codes: 41 auth, 42 input, 44 sandbox,
 * 52 config, 53 turn limit, 54 tool, 55 untrusted dir, 130 cancelled, and API errors exit with the
 * HTTP status mod 256 (400 → 144, 429 → 173, 500 → 244). gemini reports tokens, never dollars.
 */
import type { ErrorKind, Tokens } from '../../protocol/index.js';
import {
  failureWithoutResult, isObject, jsonLines, kindOfErrorText, kindOfHttpStatus, lastLines, num, str,
  trailingJsonObject, wholeJson, NO_TOKENS, type Json,
} from './parse-helpers.js';
import type { InvocationContext, ParsedOutput, RawOutput } from './types.js';

export function parseGemini(raw: RawOutput, _ctx: InvocationContext): ParsedOutput {
  const whole = wholeJson(raw.stdout);
  if (isObject(whole) && whole.type === undefined) return fromJsonObject(whole, raw);
  const events = jsonLines(raw.stdout).filter(isObject);
  const result = events.findLast((event) => event.type === 'result');
  const init = events.find((event) => event.type === 'init');
  if (result === undefined) return fromStderr(raw, str(init?.session_id));

  const stats = isObject(result.stats) ? result.stats : {};
  const base = {
    text: assistantText(events),
    usd: null,
    tokens: { input: num(stats.input_tokens), output: num(stats.output_tokens), cached: num(stats.cached) },
    model: mainModel(stats.models, 'input_tokens') ?? modelName(init?.model),
    sessionId: str(init?.session_id),
  };
  if (result.status === 'success' && (raw.exitCode === 0 || raw.timedOut)) return { ...base, ok: true };
  const message = (isObject(result.error) ? str(result.error.message) : undefined) ?? lastLines(raw.stderr, 1);
  const errorKind = kindOfExit(raw.exitCode) ?? kindOfErrorText(message) ?? (result.status === 'success' ? 'exit' : 'api');
  return { ...base, ok: false, errorKind, errorMessage: message || `gemini exited with code ${raw.exitCode}` };
}

/** `-o json`: `{session_id, response, stats}` on success; an `error` here is handled like stderr's. */
function fromJsonObject(object: Json, raw: RawOutput): ParsedOutput {
  if (isObject(object.error)) return errorObject(object, raw);
  const models = isObject(object.stats) && isObject(object.stats.models) ? object.stats.models : {};
  const base = {
    text: str(object.response) ?? '',
    usd: null,
    tokens: jsonModeTokens(models),
    model: mainModel(models, 'prompt'),
    sessionId: str(object.session_id),
  };
  if (raw.exitCode === 0 || raw.timedOut) return { ...base, ok: true };
  return { ...base, ok: false, errorKind: kindOfExit(raw.exitCode) ?? 'exit', errorMessage: `gemini exited with code ${raw.exitCode}` };
}

function fromStderr(raw: RawOutput, sessionId: string | undefined): ParsedOutput {
  const object = trailingJsonObject(raw.stderr);
  if (object && isObject(object.error)) return errorObject(object, raw);
  const failure = failureWithoutResult(raw, 'gemini');
  const reason = stderrReason(raw.stderr);
  const base = { ok: false, text: '', usd: null, tokens: { ...NO_TOKENS }, sessionId };
  if (failure.errorKind === 'timeout' || failure.errorKind === 'crash') {
    // killed while retrying "Attempt 4 failed with status 429": say it was the rate limit
    const retryKind = kindOfErrorText(lastLines(raw.stderr, 6));
    return retryKind === 'rate-limit' ? { ...base, errorKind: retryKind, errorMessage: `${failure.errorMessage}; gemini was retrying a rate limit (429)` } : { ...base, ...failure };
  }
  const errorKind = kindOfExit(raw.exitCode) ?? (failure.errorKind === 'exit' ? kindOfErrorText(reason) : undefined) ?? failure.errorKind;
  return { ...base, errorKind, errorMessage: reason ? `gemini exited with code ${raw.exitCode}: ${reason}` : failure.errorMessage };
}

/** yargs prints its complaint above the whole help text; otherwise the last line that is not noise. */
function stderrReason(stderr: string): string {
  const lines = stderr.split('\n');
  const complaint = lines.findIndex((line) => /^(Unknown arguments?:|Invalid values?:|Not enough arguments|Missing required argument)/.test(line));
  if (complaint !== -1) return lines.slice(complaint, lines[complaint]!.startsWith('Invalid') ? complaint + 2 : complaint + 1).join(' ').trim();
  return lastLines(lines.filter((line) => !line.startsWith('Warning: ')).join('\n'), 1);
}

/** `{session_id, error: {type, message, code}}`: code is an HTTP status or a FatalError exit code. */
function errorObject(object: Json, raw: RawOutput): ParsedOutput {
  const error = object.error as Json;
  const code = typeof error.code === 'number' ? error.code : undefined;
  const message = innerMessage(str(error.message) ?? 'gemini reported an error');
  const errorKind: ErrorKind = (code === 41 ? 'auth' : kindOfHttpStatus(code)) ?? kindOfExit(raw.exitCode) ?? kindOfErrorText(message) ?? 'api';
  return { ok: false, text: '', usd: null, tokens: { ...NO_TOKENS }, sessionId: str(object.session_id), errorKind, errorMessage: message };
}

export function kindOfExit(code: number | null): ErrorKind | undefined {
  switch (code) {
    case 41: return 'auth';
    case 44: case 55: return 'permission';
    case 42: case 52: case 53: case 54: return 'exit';
    case 130: return 'crash';
  }
  // process.exit(httpStatus) keeps the low 8 bits: 144..255 are 400..511
  if (code !== null && code >= 144 && code <= 255) return kindOfHttpStatus(code + 256);
  return undefined;
}

/** The model's words after its last tool call, as json mode's `response` holds them. */
function assistantText(events: Json[]): string {
  let text = '';
  for (const event of events) {
    if (event.type === 'tool_use') text = '';
    else if (event.type === 'message' && event.role === 'assistant') text += str(event.content) ?? '';
  }
  return text;
}

/** json mode: `prompt` includes the cached tokens; thoughts are billed as output. */
function jsonModeTokens(models: Json): Tokens {
  const total = { input: 0, output: 0, cached: 0 };
  for (const model of Object.values(models).filter(isObject)) {
    const tokens = isObject(model.tokens) ? model.tokens : {};
    total.input += num(tokens.prompt);
    total.output += num(tokens.candidates) + num(tokens.thoughts);
    total.cached += num(tokens.cached);
  }
  return total;
}

/** The model that did the work: the `main` role when stats say so, else the one with the most input. */
function mainModel(models: unknown, inputField: string): string | undefined {
  if (!isObject(models)) return undefined;
  const entries = Object.entries(models).filter((entry): entry is [string, Json] => isObject(entry[1]));
  const main = entries.find(([, stats]) => isObject(stats.roles) && isObject(stats.roles.main));
  if (main) return main[0];
  const input = (stats: Json): number => num(stats[inputField]) || (isObject(stats.tokens) ? num(stats.tokens[inputField]) : 0);
  entries.sort(([, a], [, b]) => input(b) - input(a));
  return entries[0]?.[0];
}

const modelName = (value: unknown): string | undefined => {
  const name = str(value);
  return name === 'auto' ? undefined : name;
};

/** API errors arrive as a JSON string inside the message: `{"error":{"code":400,"message":"API key not valid…"}}`. */
function innerMessage(message: string): string {
  const inner = wholeJson(message);
  return isObject(inner) && isObject(inner.error) ? str(inner.error.message) ?? message : message;
}
