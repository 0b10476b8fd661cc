/**
 * `loop auth configure`: what this machine has, written into providers.<key>.auth (mode, env
 * name, configured) and `command`, by splicing lines so comments and layout survive.
 * `configured: true` only when the CLI is found AND authenticated.
 */
import type { LoopConfig } from '../../protocol/config.js';
import type { EditValue, YamlEdit } from '../config/yaml-edit.js';
import type { ProviderAuthStatus } from './status.js';

export interface AuthChange {
  path: string[];
  from: EditValue | undefined;
  /** undefined removes the key. */
  to: EditValue | undefined;
}

const VENDOR_TYPES = new Set(['claude', 'codex', 'gemini']);

export function planAuthChanges(config: LoopConfig, statuses: ProviderAuthStatus[]): AuthChange[] {
  const changes: AuthChange[] = [];
  for (const status of statuses) {
    const provider = config.providers[status.key];
    if (!provider || !VENDOR_TYPES.has(provider.type)) continue;
    const at = (...rest: string[]) => ['providers', status.key, ...rest];
    if (status.commandPath && provider.command === undefined && status.command) {
      changes.push({ path: at('command'), from: undefined, to: status.command });
    }
    const mode = status.mode === 'api-key' || status.mode === 'subscription' ? status.mode : 'auto';
    const env = status.mode === 'api-key' ? status.env ?? undefined : undefined;
    const current = provider.auth ?? { mode: 'auto', configured: false, env: undefined };
    const nothingToSay = provider.auth === undefined && mode === 'auto' && !status.ready;
    if (nothingToSay) continue;
    if (current.mode !== mode || provider.auth === undefined) changes.push({ path: at('auth', 'mode'), from: provider.auth?.mode, to: mode });
    if (current.env !== env) changes.push({ path: at('auth', 'env'), from: current.env, to: env });
    if (current.configured !== status.ready || provider.auth === undefined) {
      changes.push({ path: at('auth', 'configured'), from: provider.auth === undefined ? undefined : current.configured, to: status.ready });
    }
  }
  return changes;
}

export function toEdits(changes: AuthChange[]): YamlEdit[] {
  return changes.map((change) =>
    change.to === undefined ? { kind: 'delete', path: change.path } : { kind: 'set', path: change.path, value: change.to });
}

export function describeChange(change: AuthChange): string {
  const show = (value: EditValue | undefined) => (value === undefined ? '(unset)' : String(value));
  return `${change.path.join('.')}: ${show(change.from)} → ${show(change.to)}`;
}
