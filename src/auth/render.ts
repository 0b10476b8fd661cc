/** Human output of `loop auth status`: one line per provider, with what to do when it is not ready. */
import type { ProviderAuthStatus } from './status.js';

export function describeStatus(status: ProviderAuthStatus, home: string): string {
  const tilde = (path: string) => (home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path);
  const parts: string[] = [];
  if (!status.enabled) parts.push('disabled in the config');
  if (status.type === 'sim') parts.push('built-in simulator; nothing to install or log in to');
  else if (status.commandPath) parts.push(`${status.version ?? 'version unknown'} at ${status.commandPath}`);
  if (status.mode === 'api-key') parts.push(`key in ${status.env}`);
  if (status.mode === 'subscription') parts.push(`logged in (${tilde(status.loginFile ?? '')})`);
  if (status.mode === 'unknown' && status.commandPath) parts.push('loop cannot see how this CLI logs in');
  if (status.fix) parts.push(status.fix);
  if (status.usedBy.length > 0) parts.push(`used by ${status.usedBy.join(', ')}`);
  return parts.join('; ');
}

export function renderStatusTable(statuses: ProviderAuthStatus[], home: string): string[] {
  const keyWidth = Math.max(8, ...statuses.map((s) => s.key.length)) + 2;
  const typeWidth = Math.max(6, ...statuses.map((s) => s.type.length)) + 2;
  const lines: string[] = [];
  for (const status of statuses) {
    const state = status.ready ? 'ready' : 'not ready';
    lines.push(`${status.key.padEnd(keyWidth)}${status.type.padEnd(typeWidth)}${state.padEnd(11)}${describeStatus(status, home)}`);
    for (const note of status.notes) lines.push(`${' '.repeat(keyWidth + typeWidth + 11)}note: ${note}`);
  }
  return lines;
}
