/** One screen: a line per check marked ok / warn / fail, its fix indented under it, then a verdict. */
import type { Check } from './checks.js';

export function renderChecks(checks: Check[]): string[] {
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${check.status.padEnd(5)} ${check.name}: ${check.detail}`);
    if (check.fix && check.status !== 'ok') lines.push(`      fix: ${check.fix}`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  const warnings = warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : '';
  lines.push(failed > 0
    ? `not ready: ${failed} required item${failed === 1 ? '' : 's'} missing${warnings}; fix the lines marked fail and run \`loop doctor\` again`
    : `ready: nothing required is missing${warnings}`);
  return lines;
}
