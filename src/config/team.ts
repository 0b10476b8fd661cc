/** Who plays which part in a team: planner, reviewer (critic), implementers, and their providers. */
import type { LoopConfig, ProviderConfig, RoleConfig } from '../../protocol/config.js';
import { UserError } from '../util/errors.js';
import type { LoadedConfig, ResolvedRepository } from './load.js';

export const REVIEWER_ROLE_NAMES = ['qa', 'critic', 'reviewer'] as const;

/** `loop.planner`, else a role named "planner". */
export function plannerRole(config: LoopConfig): RoleConfig | undefined {
  const name = config.loop.planner ?? 'planner';
  return config.roles.find((role) => role.name === name);
}

/** `loop.reviewer`, else the first role named "qa", "critic" or "reviewer". */
export function reviewerRole(config: LoopConfig): RoleConfig | undefined {
  if (config.loop.reviewer !== undefined) return config.roles.find((role) => role.name === config.loop.reviewer);
  for (const name of REVIEWER_ROLE_NAMES) {
    const role = config.roles.find((r) => r.name === name);
    if (role) return role;
  }
  return undefined;
}

/** Every role except the planner and the reviewer. */
export function implementerRoles(config: LoopConfig): RoleConfig[] {
  const planner = plannerRole(config);
  const reviewer = reviewerRole(config);
  return config.roles.filter((role) => role !== planner && role !== reviewer);
}

export function providerOf(config: LoopConfig, role: RoleConfig): { key: string; config: ProviderConfig } {
  const provider = config.providers[role.provider];
  if (!provider) {
    throw new UserError(`role "${role.name}" references provider "${role.provider}", which is not defined under providers; run \`loop validate\``);
  }
  return { key: role.provider, config: provider };
}

/**
 * What makes two reviews independent is a different vendor: two claude providers with different
 * models are still one identity. sim/command/custom providers are told apart by their key.
 */
export function providerIdentity(key: string, provider: ProviderConfig): string {
  return provider.type === 'claude' || provider.type === 'codex' || provider.type === 'gemini' ? provider.type : key;
}

/** The role's `repositories`, else every repository. */
export function repositoriesOfRole(loaded: LoadedConfig, roleName: string): ResolvedRepository[] {
  const role = loaded.config.roles.find((r) => r.name === roleName);
  if (!role || role.repositories.length === 0) return loaded.repositories;
  return loaded.repositories.filter((repo) => role.repositories.includes(repo.name));
}
