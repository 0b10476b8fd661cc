/** Reads and writes the run folder's copy of the accepted plan (`plan.json`; see protocol/plan.ts). */
import { existsSync, readFileSync } from 'node:fs';
import * as v from 'valibot';
import { AcceptedPlanSchema, type AcceptedPlan } from '../../protocol/index.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';

/** Durable: the file is on disk before the first task of the plan is appended to the board. */
export function writeAcceptedPlan(file: string, plan: AcceptedPlan): void {
  writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`, { durable: true });
}

/** null when there is none; a damaged file is a one-line error (it is written atomically, so only a hand edit breaks it). */
export function readAcceptedPlan(file: string): AcceptedPlan | null {
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); restore it or remove it to resume with the tasks on the board`);
  }
  const parsed = v.safeParse(AcceptedPlanSchema, raw);
  if (!parsed.success) throw new UserError(`${file}: ${v.summarize(parsed.issues).split('\n')[0]}; restore it or remove it to resume with the tasks on the board`);
  return parsed.output;
}
