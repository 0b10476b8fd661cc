/**
 * The sim planner: splits a goal into tasks for the given roles, deterministically. A design role
 * (sme or name `architect`) goes first and the other roles' first tasks depend on it; a role with
 * several tasks works through them in order.
 */
import type { Plan, PlanRole, PlanTask } from '../../../protocol/index.js';

export function simPlan(goal: string, roles: readonly PlanRole[], tasksPerRole: number): Plan {
  if (roles.length === 0) throw new Error('the sim planner needs at least one role that can take tasks');
  const parts = goalParts(goal);
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

/** Verbs a goal's first part starts with that its later parts share ("add x and y" is "add x", "add y"). */
const SHARED_VERBS = new Set(['add', 'implement', 'write', 'create', 'build', 'make', 'fix', 'update', 'remove', 'support', 'refactor', 'document', 'test', 'port', 'rename', 'expose']);
const PLACE = /\s+(to|into|in|from|for)\s+(\S+)$/i;
/** A closing part that qualifies every other one: "each with a test", "with docs". */
const SHARED_TAIL = /^(?:(?:each|both|all)\s+)?((?:with|without|using)\s.+)$/i;

/**
 * The goal's parts as tasks a person would write: the leading verb, a trailing place ("to math.js")
 * and a closing "each with a test" or "with docs" are shared by the parts they grammatically belong to, so "Add
 * subtract(a,b) and multiply(a,b) to math.js, each with a test" gives "Add subtract(a,b) to math.js,
 * with a test" and "Add multiply(a,b) to math.js, with a test".
 */
export function goalParts(goal: string): string[] {
  let parts = splitGoal(goal);
  const tail = parts.length > 1 ? parts[parts.length - 1]!.match(SHARED_TAIL) : null;
  const shared = tail ? tail[1]! : null;
  if (tail) parts.pop();
  const startsWithVerb = (part: string): boolean => SHARED_VERBS.has(part.split(/\s+/)[0]!.toLowerCase());
  // Only a last part without a verb of its own continues the first one's object list ("… and y to
  // math.js"); "… and fix the header in ui.tsx" is a task of its own, and its place is its own.
  if (parts.length > 1 && startsWithVerb(parts[0]!) && !startsWithVerb(parts[parts.length - 1]!)) {
    const verb = parts[0]!.split(/\s+/)[0]!;
    const place = parts[parts.length - 1]!.match(PLACE);
    parts = parts.map((part, i) => {
      const withVerb = i === 0 || startsWithVerb(part) ? part : `${verb} ${part}`;
      return place && !PLACE.test(withVerb) ? `${withVerb}${place[0]}` : withVerb;
    });
  }
  return shared === null ? parts : parts.map((part) => `${part}, ${shared}`);
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
