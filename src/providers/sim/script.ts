/**
 * Scripted sim agents (`providers.<key>.sim.script`): per task, the files to write or patch and the
 * commands to run, as data in the config, so a free sim run lands real code (the demo's two
 * engineers add subtract and multiply with their tests). Steps are idempotent: a patch whose text
 * is already in the file is skipped, so a repair that continues from its previous commit does not
 * insert it twice.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { SimConfig, SimScript, SimStep } from '../../../protocol/index.js';
import { commandEnv, runShell } from '../../git/shell.js';

/** The first script entry for the task: by id, else by words of its title. */
export function scriptFor(sim: SimConfig, taskId: string, title: string): SimScript | undefined {
  const lower = title.toLowerCase();
  return sim.script.find((entry) => entry.task === taskId || (entry.task === undefined && entry.title !== undefined && lower.includes(entry.title.toLowerCase())));
}

export class SimScriptError extends Error {
  override name = 'SimScriptError';
}

export interface StepContext {
  /** null in dry-run: steps are described, nothing is touched. */
  workdir: string | null;
  say: (line: string) => void;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Carries out one step; returns the file it changed, if any. Throws SimScriptError when it cannot. */
export async function runStep(step: SimStep, ctx: StepContext): Promise<string | null> {
  if (step.say !== undefined) {
    ctx.say(step.say);
    return null;
  }
  if (step.run !== undefined) {
    ctx.say(`$ ${step.run}`);
    if (ctx.workdir === null) return null;
    const result = await runShell({ cwd: ctx.workdir, command: step.run, timeoutMs: ctx.timeoutMs, env: commandEnv(), signal: ctx.signal });
    for (const line of result.output.trimEnd().split('\n')) ctx.say(`  ${line}`);
    ctx.say(`  (exit ${result.exitCode ?? result.signal ?? 'killed'})`);
    return null;
  }
  const path = (step.write ?? step.patch)!;
  const file = inside(ctx.workdir, path);
  if (step.write !== undefined) {
    const content = step.content ?? '';
    ctx.say(`→ write ${path} (${lineCount(content)} lines)`);
    if (file === null) return null;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return path;
  }
  const insert = step.insert ?? '';
  const where = step.before !== undefined ? `before "${step.before}"` : step.after !== undefined ? `after "${step.after}"` : 'at the end';
  ctx.say(`→ patch ${path}: ${lineCount(insert)} lines ${where}`);
  if (file === null) return null;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (insert !== '' && text.includes(insert)) {
    ctx.say(`  already there; nothing to do`);
    return null;
  }
  writeFileSync(file, patched(text, insert, step, path));
  return path;
}

function patched(text: string, insert: string, step: SimStep, path: string): string {
  const anchor = step.before ?? step.after;
  if (anchor === undefined) return text === '' || text.endsWith('\n') ? text + insert : `${text}\n${insert}`;
  const at = text.indexOf(anchor);
  if (at === -1) throw new SimScriptError(`sim script: "${anchor}" is not in ${path}, so the patch cannot be placed`);
  const cut = step.before !== undefined ? at : at + anchor.length;
  return text.slice(0, cut) + insert + text.slice(cut);
}

/** The step's file inside the worktree (a script may not write outside it); null in dry-run. */
function inside(workdir: string | null, path: string): string | null {
  if (workdir === null) return null;
  const file = resolve(workdir, path);
  const rel = relative(workdir, file);
  if (rel.startsWith('..') || rel === '') throw new SimScriptError(`sim script: ${path} is outside the worktree`);
  return join(workdir, rel);
}

const lineCount = (text: string): number => (text === '' ? 0 : text.replace(/\n$/, '').split('\n').length);
