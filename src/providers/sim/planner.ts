/**
 * The sim planner: splits a goal into tasks for the given roles, deterministically. A design role
 * (sme or name `architect`) goes first and the other roles' first tasks depend on it; a role with
 * several tasks works through them in order.
 */
import type { Plan, PlanRole, PlanTask } from '../../../protocol/index.js';

export function simPlan(goal: string, roles: readonly PlanRole[], tasksPerRole: number): Plan {
  if (roles.length === 0) throw new Error('the sim planner needs at least one role that can take tasks');
  const parts = splitGoal(goal);
  const design = roles.length > 1 ? roles.find((r) => r.sme === 'architect' || r.name === 'architect') : undefined;
  const ordered = design ? [design, ...roles.filter((r) => r !== design)] : [...roles];
  const tasks: PlanTask[] = [];
  const firstOf = new Map<string, string>();
  let partIndex = 0;
  for (const role of ordered) {
    for (let k = 1; k <= tasksPerRole; k++) {
      const id = `t${tasks.length + 1}`;
      const part = role === design ? `Design the approach for: ${goal}` : parts[partIndex++ % parts.length]!;
      const dependsOn: string[] = [];
      if (k > 1) dependsOn.push(tasks[tasks.length - 1]!.id);
      else if (design && role !== design) dependsOn.push(firstOf.get(design.name)!);
      if (k === 1) firstOf.set(role.name, id);
      tasks.push({
        id,
        title: tasksPerRole > 1 ? `${capitalize(part)} (${role.name} ${k}/${tasksPerRole})` : capitalize(part),
        role: role.name,
        dependsOn,
        acceptance: [`${capitalize(part)} is done as the ${role.title} would do it`, "The project's tests pass"],
      });
    }
  }
  return { tasks };
}

/** Splits at top-level `;`, `,`, " and " and newlines, never inside brackets or quotes. */
export function splitGoal(goal: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  const flush = (): void => {
    const trimmed = current.trim().replace(/^(and|then)\s+/i, '');
    if (trimmed.length > 0) parts.push(trimmed);
    current = '';
  };
  for (let i = 0; i < goal.length; i++) {
    const c = goal[i]!;
    if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
      current += c;
    } else if ('([{'.includes(c)) {
      depth += 1;
      current += c;
    } else if (')]}'.includes(c)) {
      depth = Math.max(0, depth - 1);
      current += c;
    } else if (depth === 0 && (c === ';' || c === ',' || c === '\n')) {
      flush();
    } else if (depth === 0 && /\s/.test(c) && /^\s+and\s+/i.test(goal.slice(i))) {
      flush();
      i += goal.slice(i).match(/^\s+and/i)![0].length - 1;
    } else {
      current += c;
    }
  }
  flush();
  return parts.length > 0 ? parts : [goal.trim()];
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
