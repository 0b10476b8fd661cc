/**
 * A fixture actor for the supervisor tests. Its init input picks how it starts and stops; each
 * `append` request carries a command in `event.message` (`echo:<text>`, `crash`, `exit:<code>`,
 * `hang` and `hang-ignoring-cancel` (both report progress `hanging` first), `adopt`,
 * `adopt-then-release`, `spawn-helper`, `undefined`, `env:<NAME>`, `log:<text>`, `invalid-frame`, `invalid-reply`, `progress`, `emit`,
 * `slow:<ms>`). Run directly (as node --test does with every file under test/), it does nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import type { RequestBody, Result } from '../../../protocol/messages.js';
import { defineActor, type ActorContext, type RequestContext } from '../../../actors/runtime.js';

const FixtureInputSchema = v.object({
  start: v.optional(v.picklist([
    'ok', 'crash-on-start', 'slow-start', 'hang-on-start', 'bad-proto', 'exit-on-start', 'crash-after-ready', 'exit-after-ready',
  ]), 'ok'),
  startDelayMs: v.optional(v.number(), 0),
  /** stop() never returns: the supervisor has to SIGKILL the group after the grace period. */
  ignoreShutdown: v.optional(v.boolean(), false),
  /** Start an agent-like `sleep` process group during start() and adopt it. */
  adoptOnStart: v.optional(v.boolean(), false),
  /** The first start creates this file; every later start (a restart) fails with init-failed. */
  onlyFirstStartSucceeds: v.optional(v.string()),
});

export default defineActor({
  input: FixtureInputSchema,
  async start(input, ctx) {
    if (input.onlyFirstStartSucceeds !== undefined) {
      if (existsSync(input.onlyFirstStartSucceeds)) throw new Error('fixture refuses to start again');
      writeFileSync(input.onlyFirstStartSucceeds, 'started');
    }
    switch (input.start) {
      case 'crash-on-start': throw new Error('fixture refuses to start');
      case 'slow-start': await delay(input.startDelayMs); break;
      case 'hang-on-start': await new Promise(() => {}); break;
      case 'bad-proto':
        process.send!({ proto: 'loop/0', id: 'x1', from: ctx.actorId, to: 'supervisor', body: { type: 'ready', pid: process.pid } });
        await new Promise(() => {});
        break;
      case 'exit-on-start': process.exit(3); break;
      case 'crash-after-ready': setTimeout(() => { throw new Error('fixture crashed after ready'); }, 5); break;
      case 'exit-after-ready': setTimeout(() => process.exit(0), 5); break;
      case 'ok': break;
    }
    if (input.adoptOnStart) startAgentGroup(ctx);
    return {
      handle: (body, requestCtx) => handle(body, requestCtx),
      async stop() {
        if (input.ignoreShutdown) await new Promise(() => {});
      },
    };
  },
});

async function handle(body: RequestBody, ctx: RequestContext): Promise<Result> {
  if (body.type !== 'append' || body.event.type !== 'run.note') return { tag: 'fail', code: 'unsupported', message: body.type };
  const [command = '', argument = ''] = splitOnce(body.event.message, ':');
  switch (command) {
    case 'echo': return { tag: 'ok', value: { echo: argument, actorId: ctx.actorId, pid: process.pid } };
    case 'crash': throw new Error(`fixture crashed on request ${argument}`.trim());
    case 'exit':
      setTimeout(() => process.exit(Number(argument)), 20);
      return { tag: 'ok', value: 'exiting' };
    case 'hang':
      ctx.progress('hanging');
      return new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => resolve({ tag: 'interrupted', reason: String(ctx.signal.reason) }), { once: true });
      });
    case 'hang-ignoring-cancel':
      ctx.progress('hanging');
      return new Promise(() => {});
    case 'adopt': return { tag: 'ok', value: { pid: startAgentGroup(ctx) } };
    case 'adopt-then-release': {
      const pid = startAgentGroup(ctx);
      ctx.releaseGroup(pid);
      return { tag: 'ok', value: { pid } };
    }
    case 'undefined': return { tag: 'ok', value: undefined };
    case 'env': return { tag: 'ok', value: process.env[argument] ?? null };
    case 'log':
      process.stdout.write(`out: ${argument}\n`);
      process.stderr.write(`err: ${argument}\n`);
      return { tag: 'ok', value: 'logged' };
    case 'spawn-helper': {
      // A helper in the actor's own process group (not adopted), like a quick `git` call.
      const helper = spawn('sleep', ['1000'], { stdio: 'ignore' });
      helper.unref();
      return { tag: 'ok', value: { pid: helper.pid } };
    }
    case 'invalid-frame':
      process.send!({ proto: 'loop/1', id: 'bad-1', from: ctx.actorId, to: 'supervisor', body: { type: 'progress', note: 42 } });
      return { tag: 'ok', value: 'sent' };
    case 'invalid-reply':
      process.send!({ proto: 'loop/1', id: 'bad-2', re: ctx.requestId, from: ctx.actorId, to: 'supervisor', body: { type: 'reply', result: { tag: 'maybe' } } });
      return new Promise(() => {});
    case 'progress':
      ctx.progress('working', { data: { step: 1 } });
      return { tag: 'ok', value: 'done' };
    case 'emit':
      ctx.emit({ type: 'run.note', level: 'info', message: 'hello from the fixture' });
      return { tag: 'ok', value: 'emitted' };
    case 'slow':
      await delay(Number(argument));
      return { tag: 'ok', value: 'slow done' };
    default: return { tag: 'fail', code: 'unknown-command', message: command };
  }
}

/** Like a provider CLI: its own process group, adopted so it never outlives the actor. */
function startAgentGroup(ctx: ActorContext): number {
  const child = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
  child.unref();
  ctx.adoptGroup(child.pid!);
  return child.pid!;
}

function splitOnce(text: string, separator: string): string[] {
  const index = text.indexOf(separator);
  return index < 0 ? [text] : [text.slice(0, index), text.slice(index + 1)];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
