/** Warnings about the team's shape, checked on a config that passed the schema. Pure. */
import type { LoopConfig } from '../../protocol/config.js';
import type { Finding } from './schema-issues.js';
import { implementerRoles, providerIdentity, reviewerRole } from './team.js';

export function checkTeam(config: LoopConfig): Finding[] {
  const reviewer = reviewerRole(config);
  if (!reviewer) {
    return [{
      severity: 'warning',
      path: ['roles'],
      at: 'key',
      message: 'no reviewer: set loop.reviewer to a role (or name a role "qa", "critic" or "reviewer") so every diff gets an independent review',
    }];
  }
  const implementers = implementerRoles(config);
  const identityOf = (providerKey: string) => {
    const provider = config.providers[providerKey];
    return provider ? providerIdentity(providerKey, provider) : providerKey;
  };
  const criticIdentity = identityOf(reviewer.provider);
  if (implementers.length > 0 && implementers.every((role) => identityOf(role.provider) === criticIdentity)) {
    return [{
      severity: 'warning',
      path: ['roles', config.roles.indexOf(reviewer), 'provider'],
      at: 'value',
      message: `the critic uses the same provider as every implementer (${criticIdentity}); give it a different vendor so the review is independent`,
    }];
  }
  return [];
}
