/** What `loop logs <name>` and a pane show: a role (by name) or one task (by id), checked against the run. */
import type { LoopConfig } from '../../protocol/index.js';
import type { RunView } from '../board/view.js';
import { plannerRole } from '../config/team.js';
import { UserError } from '../util/errors.js';
import type { FeedSubject } from './feed.js';

export function resolveSubject(config: LoopConfig, view: RunView, runId: string, name: string): FeedSubject {
  const roles = [...new Set([...view.roles, ...config.roles.map((r) => r.name)])];
  if (roles.includes(name)) return { role: name, planner: plannerRole(config)?.name === name };
  if (view.tasks[name]) return { task: name };
  const tasks = view.order.length > 0 ? `; tasks: ${view.order.join(', ')}` : '';
  throw new UserError(`no role or task "${name}" in run ${runId} (roles: ${roles.join(', ')}${tasks})`);
}
