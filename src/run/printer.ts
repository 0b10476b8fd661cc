/**
 * One concise line per state change: time, task, role, what happened, why. Lines are derived from
 * board events only (in words by board/describe.ts), so a replay of the board prints the same story.
 */
import type { BoardEvent } from '../../protocol/index.js';
import { describeEvent } from '../board/describe.js';
import type { RunView } from '../board/view.js';

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));
/** The session prints its own header and summary for these, and its own line (with the run's id) for a plan waiting for approval. */
const SAID_BY_THE_SESSION: ReadonlySet<BoardEvent['type']> = new Set(['run.started', 'run.resumed', 'run.finished', 'plan.approval-requested']);

export function formatEvent(event: BoardEvent, view: RunView): string | null {
  if (SAID_BY_THE_SESSION.has(event.type)) return null;
  const said = describeEvent(event);
  if (!said) return null;
  const time = new Date(event.ts).toISOString().slice(11, 19);
  const task = 'taskId' in event && event.type !== 'cost.recorded' ? view.tasks[event.taskId] : undefined;
  return task
    ? `${time}  ${pad(task.id, 6)} ${pad(task.role, 10)} ${pad(said.what, 12)} ${said.text}`
    : `${time}  ${pad(said.what, 29)} ${said.text}`;
}
