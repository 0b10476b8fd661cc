/**
 * Checks that span keys, run on the raw parsed YAML so they are reported together with schema
 * errors: roles → providers, roles → repositories, loop.planner/reviewer → roles, sme names,
 * duplicate names. Pure: no file system.
 */
import { DISCIPLINE_NAMES } from '../roles/disciplines.js';
import { closest } from './did-you-mean.js';
import type { Finding } from './schema-issues.js';

type Raw = Record<string, unknown>;

export const asRecord = (value: unknown): Raw | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** ` (did you mean "x"?)`, else `; <label>: a, b, c` so the user sees what exists. */
function suggest(word: string, names: string[], label: string): string {
  const candidates = [...new Set(names)];
  const hit = closest(word, candidates);
  if (hit) return ` (did you mean "${hit}"?)`;
  return candidates.length > 0 ? `; ${label}: ${candidates.join(', ')}` : '';
}

export function checkReferences(raw: Raw): Finding[] {
  const findings: Finding[] = [];
  const error = (path: (string | number)[], message: string) => findings.push({ severity: 'error', path, at: 'value', message });
  const providers = asRecord(raw['providers']) ?? {};
  const providerKeys = Object.keys(providers);
  const repositories = asArray(raw['repositories']);
  const repositoryNames = repositories.map((r) => asString(asRecord(r)?.['name'])).filter((n): n is string => n !== undefined);
  const roles = asArray(raw['roles']);
  const roleNames = roles.map((r) => asString(asRecord(r)?.['name'])).filter((n): n is string => n !== undefined);

  findings.push(...duplicates(roles, 'roles', 'role'));
  findings.push(...duplicates(repositories, 'repositories', 'repository'));

  roles.forEach((item, index) => {
    const role = asRecord(item);
    if (!role) return;
    const name = asString(role['name']) ?? `#${index + 1}`;
    const providerKey = asString(role['provider']);
    if (providerKey !== undefined && providerKey !== '') {
      const provider = asRecord(providers[providerKey]);
      if (!(providerKey in providers)) {
        error(['roles', index, 'provider'], `role "${name}" references provider "${providerKey}", which is not defined under providers${suggest(providerKey, providerKeys, 'defined providers')}`);
      } else if (provider?.['enabled'] === false) {
        error(['roles', index, 'provider'], `role "${name}" uses provider "${providerKey}", which has enabled: false; set enabled: true under providers.${providerKey} or pick another provider`);
      }
    }
    const sme = asString(role['sme']);
    if (sme !== undefined && !DISCIPLINE_NAMES.includes(sme)) {
      const hit = closest(sme, DISCIPLINE_NAMES);
      const tail = hit ? ` (did you mean "${hit}"?)` : '; run `loop roles` to list them';
      error(['roles', index, 'sme'], `"${sme}" is not one of the ${DISCIPLINE_NAMES.length} built-in disciplines${tail}`);
    }
    asArray(role['repositories']).forEach((repo, repoIndex) => {
      if (typeof repo !== 'string' || repositoryNames.includes(repo)) return;
      const message = repositories.length === 0
        ? `role "${name}" lists repository "${repo}", but there is no repositories block; add one or remove this entry`
        : `role "${name}" lists repository "${repo}", which is not defined under repositories${suggest(repo, repositoryNames, 'defined repositories')}`;
      error(['roles', index, 'repositories', repoIndex], message);
    });
  });

  const loop = asRecord(raw['loop']);
  for (const part of ['planner', 'reviewer'] as const) {
    const roleName = asString(loop?.[part]);
    if (roleName !== undefined && !roleNames.includes(roleName)) {
      error(['loop', part], `${part} "${roleName}" is not a role defined under roles${suggest(roleName, roleNames, 'defined roles')}`);
    }
  }
  return findings;
}

function duplicates(items: unknown[], listKey: string, noun: string): Finding[] {
  const seen = new Map<string, number>();
  const findings: Finding[] = [];
  items.forEach((item, index) => {
    const name = asString(asRecord(item)?.['name']);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, index);
      return;
    }
    findings.push({
      severity: 'error',
      path: [listKey, index, 'name'],
      at: 'value',
      message: `${noun} name "${name}" is already used by ${listKey}[${first}]; ${noun} names must be unique`,
    });
  });
  return findings;
}
