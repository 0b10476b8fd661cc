/** loop.config.yaml for tests: a team of sim agents whose behaviour each test sets. */
import { stringify } from 'yaml';

export interface SimTeamOptions {
  roles?: string[];
  tasksPerRole?: number;
  /** The implementers' sim settings (latencyMs, behaviour, tasks, failAttempts, costUsd, …). */
  sim?: Record<string, unknown>;
  critic?: Record<string, unknown>;
  loop?: Record<string, unknown>;
  /** Extra providers and role overrides for tests that mix in fake real CLIs. */
  providers?: Record<string, unknown>;
  roleProvider?: Record<string, string>;
  repositories?: unknown[];
}

export function simTeamConfig(o: SimTeamOptions = {}): string {
  const roles = o.roles ?? ['backend', 'frontend'];
  return stringify({
    version: 1,
    providers: {
      sim: { type: 'sim', sim: { latencyMs: 20, ...o.sim } },
      'sim-critic': { type: 'sim', sim: { latencyMs: 5, ...o.critic } },
      'sim-planner': { type: 'sim', sim: { tasksPerRole: o.tasksPerRole ?? 1 } },
      ...o.providers,
    },
    ...(o.repositories ? { repositories: o.repositories } : {}),
    roles: [
      { name: 'planner', provider: 'sim-planner', sme: 'product-manager' },
      ...roles.map((name) => ({ name, provider: o.roleProvider?.[name] ?? 'sim', ...(isDiscipline(name) ? { sme: name } : {}) })),
      { name: 'qa', provider: o.roleProvider?.['qa'] ?? 'sim-critic', sme: 'qa' },
    ],
    loop: { planner: 'planner', reviewer: 'qa', maxParallel: 2, maxRepairs: 2, ...o.loop },
  });
}

const isDiscipline = (name: string): boolean => ['architect', 'backend', 'frontend', 'qa', 'devops', 'docs', 'security', 'fullstack'].includes(name);
