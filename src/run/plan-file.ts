/**
 * `--plan FILE` (YAML or JSON, the planner's shape). Every problem is reported at once with
 * file:line, before anything starts, as a usage error (exit 2).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import * as v from 'valibot';
import { PlanSchema, type Plan } from '../../protocol/index.js';
import { SourceMap } from '../config/source-map.js';
import { UserError } from '../util/errors.js';
import { checkPlan } from './plan-check.js';

export function loadPlanFile(file: string, team: { roles: readonly string[]; repositories?: readonly string[] }): Plan {
  if (!existsSync(file) || !statSync(file).isFile()) throw new UserError(`--plan ${file}: no such file`);
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: true });
  const problems: string[] = doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0]}`);
  if (problems.length === 0) {
    const raw = doc.toJS() as unknown;
    const value = Array.isArray(raw) ? { tasks: raw } : raw;
    const map = new SourceMap(doc, lines);
    const parsed = v.safeParse(PlanSchema, value);
    if (!parsed.success) {
      for (const issue of parsed.issues) {
        const path = (issue.path ?? []).map((p) => p.key as string | number);
        const at = map.value(Array.isArray(raw) ? path.slice(1) : path);
        problems.push(`${file}:${at?.line ?? 1}: ${path.join('.') || 'plan'}: ${issue.message}`);
      }
    } else {
      for (const problem of checkPlan(parsed.output, team)) problems.push(`${file}: ${problem}`);
      if (problems.length === 0) return parsed.output;
    }
  }
  throw new UserError(`${problems.join('\n')}\n${problems.length} problem${problems.length === 1 ? '' : 's'} in the plan; fix them and run again`);
}
