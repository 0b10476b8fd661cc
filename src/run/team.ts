/**
 * Who does what in a run (pure): the provider each role uses in this mode (dry-run swaps every
 * real provider for `sim`), which critic reviews a task — one on a different provider than the
 * implementer whenever the team has one — and what a call of each provider is reserved at.
 */
import type { LoopConfig, ProviderConfig, ProviderSpec, RoleConfig } from '../../protocol/index.js';
import { providerIdentity, providerOf, reviewerRole, implementerRoles, plannerRole } from '../config/team.js';
import { DEFAULT_ESTIMATE_USD } from '../budget/governor.js';
import { effectiveSim } from '../providers/sim/behaviour.js';
import { DEFAULT_SIM } from '../providers/sim/behaviour.js';

/** Latency of the stand-in `sim` agent that replaces a real provider in dry-run. */
const DRY_RUN_LATENCY_MS = 120;

export function providerForRun(config: LoopConfig, role: RoleConfig, mode: 'dry-run' | 'execute'): ProviderSpec {
  const { key, config: provider } = providerOf(config, role);
  if (mode === 'execute' || provider.type === 'sim') return { key, config: provider };
  const stand: ProviderConfig = {
    ...provider,
    type: 'sim',
    sim: { ...DEFAULT_SIM, latencyMs: DRY_RUN_LATENCY_MS, jitterMs: DRY_RUN_LATENCY_MS },
  };
  return { key, config: stand };
}

export interface CriticChoice {
  role: RoleConfig;
  /** False when no role on a different provider exists (validate warns about it). */
  independent: boolean;
}

/**
 * The configured reviewer when its provider differs from the implementer's; otherwise another
 * non-planner role whose provider differs; otherwise the reviewer anyway (not independent).
 * null when the team has no reviewer at all.
 */
export function chooseCritic(config: LoopConfig, implementer: RoleConfig): CriticChoice | null {
  const reviewer = reviewerRole(config);
  const identity = (role: RoleConfig): string => {
    const { key, config: provider } = providerOf(config, role);
    return providerIdentity(key, provider);
  };
  const theirs = identity(implementer);
  if (reviewer && identity(reviewer) !== theirs) return { role: reviewer, independent: true };
  const planner = plannerRole(config);
  const other = config.roles.find((r) => r !== implementer && r !== planner && providerOf(config, r).config.enabled && identity(r) !== theirs);
  if (other) return { role: other, independent: true };
  return reviewer ? { role: reviewer, independent: false } : null;
}

/** Roles that take tasks: everything but the planner and the reviewer (or every role when that leaves none). */
export function taskRoles(config: LoopConfig): RoleConfig[] {
  const roles = implementerRoles(config);
  return roles.length > 0 ? roles : config.roles.filter((r) => r !== reviewerRole(config));
}

/** Dollars reserved for a call of this provider before any of its calls was priced. */
export function defaultEstimateUsd(provider: ProviderSpec): number {
  if (provider.config.estimateUsd !== undefined) return provider.config.estimateUsd;
  if (provider.config.type === 'sim') return effectiveSim(provider.config.sim, provider.key, process.env).costUsd;
  return DEFAULT_ESTIMATE_USD[provider.config.type] ?? 0;
}
