/**
 * Checks a plan against the team (pure): unique ids, known roles that may take tasks, known
 * dependencies, no cycles, known repositories. Every problem is one line; the planner's re-ask
 * gets them all at once.
 */
import type { Plan } from '../../protocol/index.js';

export function checkPlan(plan: Plan, options: { roles: readonly string[]; repositories?: readonly string[] }): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const task of plan.tasks) {
    if (ids.has(task.id)) problems.push(`task id "${task.id}" is used twice`);
    ids.add(task.id);
  }
  for (const task of plan.tasks) {
    if (!options.roles.includes(task.role)) {
      problems.push(`task ${task.id}: role "${task.role}" cannot take tasks (use one of: ${options.roles.join(', ')})`);
    }
    for (const dep of task.dependsOn) {
      if (dep === task.id) problems.push(`task ${task.id} depends on itself`);
      else if (!ids.has(dep)) problems.push(`task ${task.id}: dependsOn "${dep}" is not a task of this plan`);
    }
    if (task.repo !== undefined && options.repositories && !options.repositories.includes(task.repo)) {
      problems.push(`task ${task.id}: repo "${task.repo}" is not a configured repository (${options.repositories.join(', ')})`);
    }
  }
  const cycle = findCycle(plan);
  if (cycle) problems.push(`dependencies form a cycle: ${cycle.join(' → ')}`);
  return problems;
}

function findCycle(plan: Plan): string[] | null {
  const deps = new Map(plan.tasks.map((t) => [t.id, t.dependsOn] as const));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const task of plan.tasks) {
    const found = visit(task.id);
    if (found) return found;
  }
  return null;
}
