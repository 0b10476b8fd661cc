/**
 * What changed in the team between the config a run started with and the one `loop resume` loads
 * (pure). A role that unfinished tasks still need cannot be resumed without; other changes (a
 * role on another provider, another model) are the user's to confirm.
 */
import type { LoopConfig, ProviderConfig, RunJson } from '../../protocol/index.js';

export type TeamFingerprint = NonNullable<RunJson['team']>;

/** Role → provider key, and what each provider a role uses runs. */
export function teamFingerprint(config: LoopConfig): TeamFingerprint {
  const roles = Object.fromEntries(config.roles.map((role) => [role.name, role.provider]));
  const used = new Set(Object.values(roles));
  const providers = Object.fromEntries(
    Object.entries(config.providers).filter(([key]) => used.has(key)).map(([key, provider]) => [key, describeProvider(provider)]),
  );
  return { roles, providers };
}

function describeProvider(provider: ProviderConfig): string {
  const program = provider.type === 'command' || provider.type === 'custom' ? provider.argv?.[0] ?? provider.command : provider.command;
  return [provider.type, program && program !== provider.type ? program : '', provider.model ? `model ${provider.model}` : '']
    .filter(Boolean)
    .join(' ');
}

export interface TeamDrift {
  /** Every difference, in words. */
  changes: string[];
  /** Roles that are gone although unfinished tasks need them. */
  missingRoles: string[];
}

/**
 * `before` is run.json's fingerprint, or for a run started by an older loop only the role names
 * its `run.started` event lists. `openTasks` are the tasks not merged, escalated or cancelled.
 */
export function teamDrift(before: TeamFingerprint | { roleNames: readonly string[] }, after: TeamFingerprint, openTasks: readonly { id: string; role: string }[]): TeamDrift {
  const beforeRoles = 'roles' in before ? Object.keys(before.roles) : [...before.roleNames];
  const afterRoles = Object.keys(after.roles);
  const gone = beforeRoles.filter((name) => !(name in after.roles));
  const added = afterRoles.filter((name) => !beforeRoles.includes(name));
  const changes: string[] = [];
  const missingRoles: string[] = [];
  for (const name of gone) {
    const needing = openTasks.filter((task) => task.role === name).map((task) => task.id);
    const renamed = gone.length === 1 && added.length === 1 ? ` (renamed to ${added[0]}?)` : '';
    if (needing.length > 0) missingRoles.push(name);
    changes.push(`role ${name} is gone${renamed}${needing.length > 0 ? `, but unfinished task${needing.length === 1 ? '' : 's'} ${list(needing)} need${needing.length === 1 ? 's' : ''} it` : ''}`);
  }
  for (const name of added) changes.push(`role ${name} is new`);
  if ('roles' in before) {
    for (const name of afterRoles) {
      const was = before.roles[name];
      if (was !== undefined && was !== after.roles[name]) changes.push(`role ${name} now uses provider ${after.roles[name]} instead of ${was}`);
    }
    for (const [key, now] of Object.entries(after.providers)) {
      const was = before.providers[key];
      if (was !== undefined && was !== now) changes.push(`provider ${key} changed from "${was}" to "${now}"`);
    }
  }
  return { changes, missingRoles };
}

const list = (ids: readonly string[]): string => (ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`);
