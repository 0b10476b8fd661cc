/**
 * Any terminal agent (`command`, alias `custom`): an argv template with `{prompt}`, `{promptFile}`,
 * `{systemPromptFile}` and `{workdir}` replaced (no shell, so nothing is re-split or expanded).
 * Success is exit 0. With `resultPath` stdout is JSON and that dotted path is the final text;
 * `costPath` points at a dollar figure in the same JSON.
 */
import { absolute, agentEnv } from './build-helpers.js';
import { failureWithoutResult, isObject, lastLines, wholeJson, NO_TOKENS } from './parse-helpers.js';
import type { Invocation, InvocationContext, ParsedOutput, ProviderAdapter, RawOutput } from './types.js';

const PLACEHOLDER = /\{(prompt|promptFile|systemPromptFile|workdir)\}/g;

function build(ctx: InvocationContext): Invocation {
  const config = ctx.provider.config;
  const template = config.argv ?? (config.command === undefined ? [] : [config.command, ...config.args, '{prompt}']);
  const values: Record<string, string> = {
    prompt: ctx.prompt,
    promptFile: absolute(ctx.promptFile),
    systemPromptFile: absolute(ctx.systemPromptFile),
    workdir: ctx.workdir,
  };
  const argv = template.map((part) => part.replace(PLACEHOLDER, (_, name: string) => values[name] ?? ''));
  const [command, ...args] = argv;
  if (command === undefined || command === '') throw new Error(`provider "${ctx.provider.key}" (type ${config.type}) needs "command" or a non-empty "argv"`);
  return { command, args, env: agentEnv(ctx), cwd: ctx.workdir, stdin: null };
}

function parse(raw: RawOutput, ctx: InvocationContext): ParsedOutput {
  const config = ctx.provider.config;
  const base = { usd: null, tokens: { ...NO_TOKENS }, model: config.model };
  if (raw.exitCode !== 0 || raw.timedOut) {
    const failure = failureWithoutResult(raw, ctx.provider.key);
    return { ...base, ok: false, text: raw.stdout.trim(), ...failure };
  }
  if (config.resultPath === undefined && config.costPath === undefined) return { ...base, ok: true, text: raw.stdout.trim() };

  const output = wholeJson(raw.stdout);
  if (output === undefined) {
    return { ...base, ok: false, text: raw.stdout.trim(), errorKind: 'bad-output', errorMessage: `${ctx.provider.key} did not print JSON on stdout (resultPath/costPath are set): ${lastLines(raw.stdout, 1).slice(0, 200)}` };
  }
  const text = config.resultPath === undefined ? raw.stdout.trim() : valueAt(output, config.resultPath);
  const usd = config.costPath === undefined ? null : valueAt(output, config.costPath);
  if (typeof text !== 'string') {
    return { ...base, ok: false, text: '', errorKind: 'bad-output', errorMessage: `${ctx.provider.key}: no text at "${config.resultPath}" in its JSON output` };
  }
  if (usd !== null && (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0)) {
    return { ...base, ok: false, text, errorKind: 'bad-output', errorMessage: `${ctx.provider.key}: no dollar figure at "${config.costPath}" in its JSON output` };
  }
  return { ...base, ok: true, text, usd };
}

/** `a.b.0.c` into a JSON value; undefined when any step is missing. */
function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

export const commandAdapter: ProviderAdapter = { type: 'command', build, parse };
