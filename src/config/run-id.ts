/** Run ids become tmux session names and git ref components, so they are checked before any work. */
import { RUN_ID_PATTERN } from '../../protocol/ids.js';

const RULE = 'use 1-64 letters, digits, "-" or "_", starting with a letter or digit';

/** null when the id is valid, else one line saying why and what to use instead. */
export function checkRunId(id: string): string | null {
  if (RUN_ID_PATTERN.test(id)) return null;
  if (id.length === 0) return `the run id is empty; ${RULE}`;
  const suggestion = suggestRunId(id);
  const instead = suggestion ? ` (for example "${suggestion}")` : '';
  const bad = [...new Set(id.replace(/[A-Za-z0-9_-]/g, ''))];
  if (bad.length > 0) {
    const chars = bad.map((c) => (c === ' ' ? 'spaces' : `"${c}"`)).join(', ');
    return `run id "${id}" contains ${chars}, which tmux renames or git refuses in branch names; ${RULE}${instead}`;
  }
  if (id.length > 64) return `run id "${id.slice(0, 20)}…" is longer than 64 characters; ${RULE}${instead}`;
  return `run id "${id}" must start with a letter or digit; ${RULE}${instead}`;
}

function suggestRunId(id: string): string | undefined {
  const cleaned = id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+/, '').replace(/-+$/, '').slice(0, 64);
  return RUN_ID_PATTERN.test(cleaned) ? cleaned : undefined;
}
