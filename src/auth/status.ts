/**
 * Readiness of each provider: is its CLI on the caller's PATH, what version, and which credential
 * it would use. `decideStatus` is pure; `checkProviders` gathers the facts.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { LoopConfig, ProviderType } from '../../protocol/config.js';
import { detectCredentials, INSTALL_HINT, LOGIN_HINT, VENDORS, type CredentialFacts, type Vendor } from './credentials.js';
import { findExecutable, probeVersion } from './executable.js';

export interface ProviderTarget {
  key: string;
  type: ProviderType;
  /** `command:` from the config (claude/codex/gemini default to their type). */
  command?: string;
  argv?: string[];
  /** The provider's `env:`; it is merged into the agent's environment, so it counts. */
  env: Record<string, string>;
  enabled: boolean;
  /** Roles using this provider. */
  usedBy: string[];
}

/** `not-needed`: sim. `unknown`: command/custom CLIs, whose login loop cannot see. */
export type AuthMode = 'api-key' | 'subscription' | 'none' | 'not-needed' | 'unknown';

export interface ProviderAuthStatus {
  key: string;
  type: ProviderType;
  enabled: boolean;
  usedBy: string[];
  command: string | null;
  commandPath: string | null;
  version: string | null;
  mode: AuthMode;
  /** Name of the variable that authenticates it (never its value). */
  env: string | null;
  loginFile: string | null;
  /** CLI found and (for claude/codex/gemini) some credential present. */
  ready: boolean;
  notes: string[];
  /** What to do when not ready. */
  fix: string | null;
}

export interface GatheredFacts {
  commandPath: string | null;
  version: string | null;
  credentials: CredentialFacts | null;
}

const isVendor = (type: ProviderType): type is Vendor => (VENDORS as readonly string[]).includes(type);

export function commandOf(target: ProviderTarget): string | null {
  if (target.command) return target.command;
  if (isVendor(target.type)) return target.type;
  return target.argv?.[0] ?? null;
}

export function decideStatus(target: ProviderTarget, facts: GatheredFacts): ProviderAuthStatus {
  const command = commandOf(target);
  const base = {
    key: target.key, type: target.type, enabled: target.enabled, usedBy: target.usedBy,
    command, commandPath: facts.commandPath, version: facts.version,
    env: null, loginFile: null, notes: [] as string[],
  };
  if (target.type === 'sim') return { ...base, command: null, mode: 'not-needed', ready: true, fix: null };
  if (command === null) {
    return { ...base, mode: 'unknown', ready: false, fix: `set command: (or argv:) under providers.${target.key}` };
  }
  const missing = facts.commandPath === null;
  const install = isVendor(target.type) ? `install it with \`${INSTALL_HINT[target.type]}\`` : 'install it';
  const missingFix = `${command} is not on PATH: ${install}, or set command: to its full path`;
  if (!isVendor(target.type)) {
    return { ...base, mode: 'unknown', ready: !missing, fix: missing ? missingFix : null };
  }
  const credentials = facts.credentials ?? { keyEnv: null, loginFile: null, notes: [] };
  const mode: AuthMode = credentials.keyEnv ? 'api-key' : credentials.loginFile ? 'subscription' : 'none';
  const authFix = mode === 'none' ? `not logged in: ${LOGIN_HINT[target.type]}` : null;
  return {
    ...base,
    mode,
    env: credentials.keyEnv,
    loginFile: credentials.loginFile,
    notes: credentials.notes,
    ready: !missing && mode !== 'none',
    fix: missing ? (authFix ? `${missingFix}; then ${LOGIN_HINT[target.type]}` : missingFix) : authFix,
  };
}

export function targetsFromConfig(config: LoopConfig | null): ProviderTarget[] {
  if (!config) return VENDORS.map((type) => ({ key: type, type, env: {}, enabled: true, usedBy: [] }));
  return Object.entries(config.providers).map(([key, provider]) => ({
    key,
    type: provider.type,
    ...(provider.command === undefined ? {} : { command: provider.command }),
    ...(provider.argv === undefined ? {} : { argv: provider.argv }),
    env: provider.env,
    enabled: provider.enabled,
    usedBy: config.roles.filter((role) => role.provider === key).map((role) => role.name),
  }));
}

/** A login file counts when it exists and is not empty; ~/.claude.json only with an `oauthAccount`. */
export function hasStoredLogin(path: string): boolean {
  try {
    if (path.endsWith('.claude.json')) return 'oauthAccount' in (JSON.parse(readFileSync(path, 'utf8')) as object);
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

export interface CheckEnvironment {
  env: NodeJS.ProcessEnv;
  home?: string;
  /** Relative `command:` paths resolve against this (the config's folder). */
  cwd: string;
}

export async function checkProviders(targets: ProviderTarget[], environment: CheckEnvironment): Promise<ProviderAuthStatus[]> {
  const home = environment.home ?? environment.env['HOME'] ?? homedir();
  return Promise.all(targets.map(async (target) => {
    const env = { ...environment.env, ...target.env };
    const command = target.type === 'sim' ? null : commandOf(target);
    const commandPath = command === null ? null : findExecutable(command, env, environment.cwd);
    const version = commandPath === null ? null : await probeVersion(commandPath, env);
    const credentials = isVendor(target.type) ? detectCredentials(target.type, { env, home, hasLogin: hasStoredLogin }) : null;
    return decideStatus(target, { commandPath, version, credentials });
  }));
}
