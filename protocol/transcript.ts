/**
 * The shared transcript decoder: an agent's transcript (`.loop/runs/<run>/logs/<task>.<attempt>.log`,
 * written by src/providers/transcript.ts) turned into readable entries — assistant text, tool
 * calls, tool results, errors — for the tmux panes, `loop logs`, the dashboard and the monitor.
 * Pure and line by line, so a follower can feed it lines as they are written. Knows the stream
 * formats of claude (`--output-format stream-json`), codex (`exec --json`) and gemini
 * (`--output-format stream-json`); anything else (sim, `command` providers) is plain text.
 */
import * as v from 'valibot';

export type TranscriptEntry =
  /** loop's own lines (argv, notes, exit) and a CLI's session facts. */
  | { kind: 'meta'; text: string }
  /** What the model said. `delta`: a piece of a message streamed in parts (gemini); it continues the previous piece. */
  | { kind: 'assistant'; text: string; delta?: true }
  | { kind: 'thinking'; text: string }
  /** A tool call: the tool and a one-line summary of its input. */
  | { kind: 'tool'; name: string; text: string }
  | { kind: 'tool-result'; ok: boolean; text: string }
  | { kind: 'warning'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'stderr'; text: string }
  /** The CLI's final report (turns, cost, tokens, time). */
  | { kind: 'done'; ok: boolean; text: string }
  /** A line of a plain-text agent. */
  | { kind: 'text'; text: string };

export type Dialect = 'claude' | 'codex' | 'gemini';

/** What a decoder remembers between lines. */
export interface DecoderState {
  /** Which CLI wrote the stream: from the argv header, else from the first event. */
  dialect: Dialect | null;
  /** The last assistant text, so a final error that repeats it is not shown twice. */
  lastAssistant: string;
}

export const newDecoder = (): DecoderState => ({ dialect: null, lastAssistant: '' });

/** Every entry of a whole transcript. */
export function decodeTranscript(text: string): TranscriptEntry[] {
  const state = newDecoder();
  const entries: TranscriptEntry[] = [];
  for (const line of text.split('\n')) entries.push(...decodeLine(state, line));
  return entries;
}

/** The entries of one line of a transcript (without its newline). */
export function decodeLine(state: DecoderState, line: string): TranscriptEntry[] {
  if (line.trim() === '') return [];
  if (line.startsWith(STDERR_PREFIX)) return decodeStderr(line.slice(STDERR_PREFIX.length));
  if (line.startsWith('# ')) return decodeLoopLine(state, line.slice(2));
  if (line.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return [{ kind: 'text', text: line }];
    }
    state.dialect ??= sniffDialect(json);
    const decoded = state.dialect === null ? null : DECODERS[state.dialect](json, state);
    if (decoded !== null) return decoded;
  }
  return [{ kind: 'text', text: line }];
}

/** A one-line plain rendering of an entry (no colours), for logs and pipes. */
export function formatEntry(entry: TranscriptEntry): string {
  switch (entry.kind) {
    case 'assistant': case 'text': case 'meta': return entry.text;
    case 'thinking': return `(thinking) ${entry.text}`;
    case 'tool': return `→ ${entry.name}${entry.text ? `  ${entry.text}` : ''}`;
    case 'tool-result': return `${entry.ok ? '←' : '✗'} ${entry.text}`;
    case 'warning': return `! ${entry.text}`;
    case 'error': return `✗ ${entry.text}`;
    case 'stderr': return `stderr: ${entry.text}`;
    case 'done': return `${entry.ok ? '✓' : '✗'} ${entry.text}`;
  }
}

/** The prefix src/providers/transcript.ts puts on stderr lines. */
export const STDERR_PREFIX = '[stderr] ';

// ---- loop's own lines ------------------------------------------------------------------------

function decodeLoopLine(state: DecoderState, text: string): TranscriptEntry[] {
  if (text.startsWith('loop agent transcript') || text.startsWith('stdin: ') || text.startsWith('cwd: ')) return [];
  if (text.startsWith('argv: ')) {
    const argv = text.slice('argv: '.length);
    const command = /^(?:\S*\/)?(claude|codex|gemini)\b/.exec(argv)?.[1];
    if (command !== undefined) state.dialect = command as Dialect;
    return [{ kind: 'meta', text: `$ ${argv}` }];
  }
  const exit = /^exit code=(\S+) signal=(\S+) timedOut=(\S+) durationMs=(\d+)$/.exec(text);
  if (exit) {
    const [, code, signal, timedOut, ms] = exit;
    const how = timedOut === 'true' ? 'timed out' : signal !== 'null' ? `killed by ${signal}` : `exit ${code}`;
    return [{ kind: 'meta', text: `${how} after ${seconds(Number(ms))}` }];
  }
  return [{ kind: 'meta', text }];
}

function decodeStderr(text: string): TranscriptEntry[] {
  // a Node stack trace is noise here; the raw log keeps it
  if (/^\s+at \S/.test(text)) return [];
  // gemini reports its errors as JSON on stderr
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as unknown;
      const error = v.safeParse(v.looseObject({ error: v.looseObject({ message: v.string() }) }), json);
      if (error.success) return [{ kind: 'error', text: error.output.error.message }];
    } catch {
      // not JSON after all
    }
  }
  return [{ kind: 'stderr', text }];
}

function sniffDialect(json: unknown): Dialect | null {
  const head = v.safeParse(v.looseObject({ type: v.string(), timestamp: v.optional(v.unknown()), is_error: v.optional(v.unknown()) }), json);
  if (!head.success) return null;
  const { type, timestamp, is_error: isError } = head.output;
  if (type.startsWith('thread.') || type.startsWith('turn.') || type.startsWith('item.')) return 'codex';
  if (['system', 'assistant', 'user', 'rate_limit_event', 'stream_event'].includes(type) || (type === 'result' && isError !== undefined)) return 'claude';
  if (['init', 'message', 'tool_use', 'tool_result'].includes(type) || timestamp !== undefined) return 'gemini';
  return null;
}

const DECODERS: Record<Dialect, (json: unknown, state: DecoderState) => TranscriptEntry[] | null> = {
  claude: decodeClaude,
  codex: decodeCodex,
  gemini: decodeGemini,
};

// ---- claude stream-json ------------------------------------------------------------------------

const ClaudeContentSchema = v.variant('type', [
  v.looseObject({ type: v.literal('text'), text: v.string() }),
  v.looseObject({ type: v.literal('thinking'), thinking: v.string() }),
  v.looseObject({ type: v.literal('tool_use'), name: v.string(), input: v.optional(v.unknown()) }),
  v.looseObject({ type: v.literal('tool_result'), content: v.optional(v.unknown()), is_error: v.optional(v.nullable(v.boolean())) }),
]);
const ClaudeMessageSchema = v.looseObject({ content: v.union([v.string(), v.array(v.unknown())]) });
const ClaudeEventSchema = v.variant('type', [
  v.looseObject({
    type: v.literal('system'), subtype: v.optional(v.string()), model: v.optional(v.string()), session_id: v.optional(v.string()),
    attempt: v.optional(v.number()), max_retries: v.optional(v.number()), retry_delay_ms: v.optional(v.number()),
    error_status: v.optional(v.nullable(v.number())), error: v.optional(v.unknown()),
  }),
  v.looseObject({ type: v.literal('assistant'), message: ClaudeMessageSchema }),
  v.looseObject({ type: v.literal('user'), message: ClaudeMessageSchema }),
  v.looseObject({
    type: v.literal('result'), subtype: v.optional(v.string()), is_error: v.optional(v.boolean()), result: v.optional(v.string()),
    total_cost_usd: v.optional(v.number()), terminal_reason: v.optional(v.string()), num_turns: v.optional(v.number()), duration_ms: v.optional(v.number()),
    permission_denials: v.optional(v.array(v.looseObject({ tool_name: v.optional(v.string()) }))),
  }),
  v.looseObject({
    type: v.literal('rate_limit_event'),
    rate_limit_info: v.optional(v.looseObject({ status: v.optional(v.string()), rateLimitType: v.optional(v.string()), utilization: v.optional(v.number()) })),
  }),
]);

function decodeClaude(json: unknown, state: DecoderState): TranscriptEntry[] | null {
  const parsed = v.safeParse(ClaudeEventSchema, json);
  if (!parsed.success) return isTyped(json) ? [] : null; // a newer event type: nothing to show
  const e = parsed.output;
  switch (e.type) {
    case 'system':
      if (e.subtype === 'init') return [{ kind: 'meta', text: ['claude', e.model && `model ${e.model}`, e.session_id && `session ${e.session_id.slice(0, 8)}`].filter(Boolean).join(' · ') }];
      if (e.subtype === 'api_retry') {
        const why = [e.error_status, typeof e.error === 'string' ? e.error : undefined].filter((x) => x !== undefined && x !== null).join(' ');
        return [{ kind: 'warning', text: `API retry ${e.attempt ?? '?'}/${e.max_retries ?? '?'} in ${seconds(e.retry_delay_ms ?? 0)}${why ? ` (${why})` : ''}` }];
      }
      return [];
    case 'assistant':
    case 'user': {
      const entries = claudeContent(e.message.content, e.type);
      for (const entry of entries) if (entry.kind === 'assistant') state.lastAssistant = entry.text;
      return entries;
    }
    case 'result': {
      const ok = e.is_error !== true && (e.subtype === undefined || e.subtype === 'success');
      const facts = [
        e.num_turns !== undefined && `${e.num_turns} turn${e.num_turns === 1 ? '' : 's'}`,
        e.total_cost_usd !== undefined && `$${e.total_cost_usd.toFixed(4)}`,
        e.duration_ms !== undefined && seconds(e.duration_ms),
      ].filter(Boolean).join(' · ');
      const entries: TranscriptEntry[] = [];
      for (const denial of e.permission_denials ?? []) entries.push({ kind: 'error', text: `permission denied: ${denial.tool_name ?? 'a tool'}` });
      const said = e.result?.trim() ?? '';
      const why = said !== '' && said !== state.lastAssistant.trim() ? said : e.terminal_reason ?? (e.subtype !== 'success' ? e.subtype : undefined);
      entries.push(ok
        ? { kind: 'done', ok: true, text: `done${facts ? ` · ${facts}` : ''}` }
        : { kind: 'done', ok: false, text: `failed${why ? ` (${why})` : ''}${facts ? ` · ${facts}` : ''}` });
      return entries;
    }
    case 'rate_limit_event': {
      const info = e.rate_limit_info;
      if (info?.status === 'allowed') return [];
      const limit = info?.rateLimitType === undefined ? 'the limit' : `the ${info.rateLimitType} limit`;
      const used = info?.utilization === undefined ? '' : ` (${Math.round(info.utilization * 100)}% of ${limit})`;
      return [{ kind: 'warning', text: `rate limit: ${info?.status ?? 'reported'}${used}` }];
    }
  }
}

function claudeContent(content: string | unknown[], from: 'assistant' | 'user'): TranscriptEntry[] {
  if (typeof content === 'string') return from === 'assistant' ? [{ kind: 'assistant', text: content }] : [];
  const entries: TranscriptEntry[] = [];
  for (const block of content) {
    const parsed = v.safeParse(ClaudeContentSchema, block);
    if (!parsed.success) continue;
    const b = parsed.output;
    if (b.type === 'text' && from === 'assistant' && b.text.trim() !== '') entries.push({ kind: 'assistant', text: b.text });
    else if (b.type === 'thinking' && b.thinking.trim() !== '') entries.push({ kind: 'thinking', text: b.thinking });
    else if (b.type === 'tool_use') entries.push({ kind: 'tool', name: b.name, text: summarizeInput(b.input) });
    else if (b.type === 'tool_result') entries.push({ kind: 'tool-result', ok: b.is_error !== true, text: resultText(b.content) });
  }
  return entries;
}

// ---- codex exec --json ---------------------------------------------------------------------------

const CodexItemSchema = v.looseObject({
  type: v.string(),
  text: v.optional(v.string()),
  command: v.optional(v.string()),
  aggregated_output: v.optional(v.string()),
  exit_code: v.optional(v.nullable(v.number())),
  status: v.optional(v.string()),
  changes: v.optional(v.array(v.looseObject({ path: v.string(), kind: v.optional(v.string()) }))),
  items: v.optional(v.array(v.looseObject({ text: v.string(), completed: v.optional(v.boolean()) }))),
  server: v.optional(v.string()),
  tool: v.optional(v.string()),
  arguments: v.optional(v.unknown()),
  query: v.optional(v.string()),
  message: v.optional(v.string()),
});
const CodexEventSchema = v.looseObject({
  type: v.string(),
  thread_id: v.optional(v.string()),
  item: v.optional(CodexItemSchema),
  usage: v.optional(v.looseObject({ input_tokens: v.optional(v.number()), cached_input_tokens: v.optional(v.number()), output_tokens: v.optional(v.number()) })),
  error: v.optional(v.looseObject({ message: v.optional(v.string()) })),
  message: v.optional(v.string()),
});

function decodeCodex(json: unknown): TranscriptEntry[] | null {
  const parsed = v.safeParse(CodexEventSchema, json);
  if (!parsed.success) return null;
  const e = parsed.output;
  switch (e.type) {
    case 'thread.started':
      return [{ kind: 'meta', text: `codex · thread ${e.thread_id?.slice(0, 8) ?? '?'}` }];
    case 'turn.completed': {
      const u = e.usage;
      return [{ kind: 'done', ok: true, text: u ? `done · ${tokens(u.input_tokens)} in (${tokens(u.cached_input_tokens)} cached) / ${tokens(u.output_tokens)} out tokens` : 'done' }];
    }
    case 'turn.failed':
      return [{ kind: 'done', ok: false, text: e.error?.message ?? 'the turn failed' }];
    case 'error': {
      // codex reports its own reconnect attempts as errors; only the last one is
      const text = e.message ?? 'error';
      return [{ kind: /^Reconnecting\.\.\./.test(text) ? 'warning' : 'error', text }];
    }
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return e.item === undefined ? [] : codexItem(e.item, e.type.slice('item.'.length) as 'started' | 'updated' | 'completed');
    default:
      return [];
  }
}

function codexItem(item: v.InferOutput<typeof CodexItemSchema>, phase: 'started' | 'updated' | 'completed'): TranscriptEntry[] {
  const failed = item.status === 'failed';
  switch (item.type) {
    case 'agent_message':
      return phase === 'completed' && item.text ? [{ kind: 'assistant', text: item.text }] : [];
    case 'reasoning':
      return phase === 'completed' && item.text ? [{ kind: 'thinking', text: item.text }] : [];
    case 'command_execution':
      if (phase === 'started') return [{ kind: 'tool', name: 'shell', text: unwrapShell(item.command ?? '') }];
      if (phase !== 'completed') return [];
      return [{ kind: 'tool-result', ok: !failed && (item.exit_code ?? 0) === 0, text: `${item.exit_code === undefined || item.exit_code === null ? '' : `exit ${item.exit_code}${item.aggregated_output?.trim() ? ': ' : ''}`}${item.aggregated_output?.trimEnd() ?? ''}` }];
    case 'file_change': {
      if (phase !== 'completed') return [];
      const what = (item.changes ?? []).map((c) => `${c.kind ?? 'change'} ${c.path}`).join(', ');
      return failed ? [{ kind: 'error', text: `patch failed: ${what}` }] : [{ kind: 'tool', name: 'edit', text: what }];
    }
    case 'todo_list': {
      const list = item.items ?? [];
      const done = list.filter((i) => i.completed).length;
      return [{ kind: 'meta', text: `todo ${done}/${list.length}: ${list.map((i) => `${i.completed ? '✓' : '·'} ${i.text}`).join('  ')}` }];
    }
    case 'mcp_tool_call':
      return phase === 'started' ? [{ kind: 'tool', name: `${item.server ?? 'mcp'}.${item.tool ?? '?'}`, text: summarizeInput(item.arguments) }] : failed ? [{ kind: 'tool-result', ok: false, text: 'failed' }] : [];
    case 'web_search':
      return phase === 'started' || (phase === 'completed' && item.query) ? [{ kind: 'tool', name: 'web search', text: item.query ?? '' }] : [];
    case 'error':
      return [{ kind: 'error', text: item.message ?? 'error' }];
    default:
      return [];
  }
}

/** codex runs commands as `/bin/bash -lc '<cmd>'`; the command is what a reader wants. */
function unwrapShell(command: string): string {
  const m = /^\S*\/(?:ba)?sh -l?c (.*)$/s.exec(command);
  if (!m) return command;
  const inner = m[1]!;
  return inner.startsWith("'") && inner.endsWith("'") ? inner.slice(1, -1).replace(/'\\''/g, "'") : inner;
}

// ---- gemini stream-json ---------------------------------------------------------------------

const GeminiEventSchema = v.variant('type', [
  v.looseObject({ type: v.literal('init'), model: v.optional(v.string()), session_id: v.optional(v.string()) }),
  v.looseObject({ type: v.literal('message'), role: v.string(), content: v.optional(v.string()), delta: v.optional(v.boolean()) }),
  v.looseObject({ type: v.literal('tool_use'), tool_name: v.string(), parameters: v.optional(v.unknown()) }),
  v.looseObject({
    type: v.literal('tool_result'), status: v.optional(v.string()), output: v.optional(v.unknown()),
    error: v.optional(v.looseObject({ message: v.optional(v.string()) })),
  }),
  v.looseObject({ type: v.literal('error'), severity: v.optional(v.string()), message: v.optional(v.string()) }),
  v.looseObject({
    type: v.literal('result'), status: v.optional(v.string()), error: v.optional(v.looseObject({ message: v.optional(v.string()) })),
    stats: v.optional(v.looseObject({ total_tokens: v.optional(v.number()), duration_ms: v.optional(v.number()), tool_calls: v.optional(v.number()) })),
  }),
]);

function decodeGemini(json: unknown, state: DecoderState): TranscriptEntry[] | null {
  const parsed = v.safeParse(GeminiEventSchema, json);
  if (!parsed.success) return isTyped(json) ? [] : null;
  const e = parsed.output;
  switch (e.type) {
    case 'init':
      return [{ kind: 'meta', text: ['gemini', e.model && `model ${e.model}`, e.session_id && `session ${e.session_id.slice(0, 8)}`].filter(Boolean).join(' · ') }];
    case 'message':
      if (e.role !== 'assistant' || !e.content) return []; // the user message is the prompt, already on disk
      state.lastAssistant = e.delta ? state.lastAssistant + e.content : e.content;
      return [e.delta ? { kind: 'assistant', text: e.content, delta: true } : { kind: 'assistant', text: e.content }];
    case 'tool_use':
      return [{ kind: 'tool', name: e.tool_name, text: summarizeInput(e.parameters) }];
    case 'tool_result': {
      const ok = e.status !== 'error';
      const output = resultText(e.output);
      return [{ kind: 'tool-result', ok, text: ok ? output : [output, e.error?.message].filter(Boolean).join(' — ') }];
    }
    case 'error':
      return [{ kind: e.severity === 'warning' ? 'warning' : 'error', text: e.message ?? 'error' }];
    case 'result': {
      const s = e.stats;
      const facts = [
        s?.tool_calls !== undefined && s.tool_calls > 0 && `${s.tool_calls} tool call${s.tool_calls === 1 ? '' : 's'}`,
        s?.total_tokens !== undefined && `${tokens(s.total_tokens)} tokens`,
        s?.duration_ms !== undefined && seconds(s.duration_ms),
      ].filter(Boolean).join(' · ');
      if (e.status === 'error') return [{ kind: 'done', ok: false, text: `${e.error?.message ?? 'error'}${facts ? ` · ${facts}` : ''}` }];
      return [{ kind: 'done', ok: true, text: `done${facts ? ` · ${facts}` : ''}` }];
    }
  }
}

// ---- helpers ----------------------------------------------------------------------------------

const INPUT_KEYS = ['command', 'file_path', 'absolute_path', 'notebook_path', 'pattern', 'path', 'url', 'query', 'description', 'prompt'];
const MAX_SUMMARY_CHARS = 160;

/** One line saying what a tool was asked to do: the command, the file, the pattern… */
export function summarizeInput(input: unknown): string {
  if (typeof input === 'string') return oneLine(input);
  if (typeof input !== 'object' || input === null) return '';
  const record = input as Record<string, unknown>;
  const key = INPUT_KEYS.find((k) => typeof record[k] === 'string' && record[k] !== '');
  if (key !== undefined) {
    const extra = key === 'pattern' && typeof record['path'] === 'string' ? ` in ${record['path']}` : '';
    return oneLine(`${record[key] as string}${extra}`);
  }
  return oneLine(JSON.stringify(input));
}

/** Tool output as text: a string, or the text blocks of a content array. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content.trimEnd();
  if (Array.isArray(content)) {
    return content.map((block) => (typeof block === 'object' && block !== null && typeof (block as { text?: unknown }).text === 'string' ? (block as { text: string }).text : '')).join('\n').trimEnd();
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > MAX_SUMMARY_CHARS ? `${flat.slice(0, MAX_SUMMARY_CHARS - 1)}…` : flat;
}

const isTyped = (json: unknown): boolean => typeof json === 'object' && json !== null && typeof (json as { type?: unknown }).type === 'string';

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

function tokens(n: number | undefined): string {
  return n === undefined ? '?' : n.toLocaleString('en-US');
}
