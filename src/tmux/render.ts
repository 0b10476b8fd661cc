/**
 * How transcripts and board facts look in a terminal (the viewport panes, `loop logs`): decoded
 * transcript entries and the printer's board lines, with colours when the output is a terminal.
 */
import { formatEntry, type TranscriptEntry } from '../../protocol/transcript.js';
import type { BoardEvent } from '../../protocol/index.js';
import type { RunView } from '../board/view.js';
import { formatEvent } from '../run/printer.js';

const CODES = {
  bold: '1', dim: '2', italic: '3', red: '31', green: '32', yellow: '33', blue: '34', magenta: '35', cyan: '36',
} as const;
type Paint = keyof typeof CODES;

export interface Painter {
  (text: string, ...styles: Paint[]): string;
}

export function painter(color: boolean): Painter {
  return (text, ...styles) => (color && styles.length > 0 ? `\u001b[${styles.map((s) => CODES[s]).join(';')}m${text}\u001b[0m` : text);
}

/** Colours when writing to a terminal, unless NO_COLOR is set (https://no-color.org). */
export const wantsColor = (stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean((stream as { isTTY?: boolean }).isTTY) && !env['NO_COLOR'];

/** Tool output beyond this many lines is elided in the view (the log file keeps all of it). */
export const MAX_RESULT_LINES = 8;

/** The lines of one transcript entry (without newlines). */
export function renderEntry(entry: TranscriptEntry, paint: Painter): string[] {
  switch (entry.kind) {
    case 'assistant':
      return entry.text.split('\n');
    case 'text':
      return [entry.text];
    case 'thinking':
      return entry.text.split('\n').map((line) => paint(line, 'dim', 'italic'));
    case 'meta':
      return [paint(entry.text, 'dim')];
    case 'tool':
      return [`${paint(`→ ${entry.name}`, 'cyan', 'bold')}${entry.text ? `  ${paint(entry.text, 'cyan')}` : ''}`];
    case 'tool-result': {
      const lines = entry.text === '' ? ['(no output)'] : entry.text.split('\n');
      const shown = lines.length > MAX_RESULT_LINES ? [...lines.slice(0, MAX_RESULT_LINES - 1), `… ${lines.length - MAX_RESULT_LINES + 1} more lines in the log`] : lines;
      return shown.map((line, i) => (entry.ok ? paint(`${i === 0 ? '  ← ' : '    '}${line}`, 'dim') : paint(`${i === 0 ? '  ✗ ' : '    '}${line}`, 'red')));
    }
    case 'warning':
      return [paint(formatEntry(entry), 'yellow')];
    case 'error':
      return [paint(formatEntry(entry), 'red', 'bold')];
    case 'stderr':
      return [paint(entry.text, 'dim', 'yellow')];
    case 'done':
      return [paint(formatEntry(entry), entry.ok ? 'green' : 'red')];
  }
}

const GOOD = new Set(['gate.passed', 'review.accepted', 'task.merged', 'plan.accepted']);
const BAD = new Set(['gate.failed', 'review.rejected', 'merge.failed', 'attempt.finished', 'actor.crashed', 'critic.edit-discarded', 'plan.failed']);
const LOUD = new Set(['task.escalated', 'budget.exhausted', 'supervisor.report']);

/** A board fact in the printer's words, coloured by how it went. */
export function renderBoardLine(event: BoardEvent, view: RunView, paint: Painter): string | null {
  if (event.type === 'run.finished') {
    // the foreground printer leaves this to its summary; a pane says it in one line
    const time = new Date(event.ts).toISOString().slice(11, 19);
    return paint(`${time}  run finished: ${event.status} (exit ${event.exitCode}): ${event.reason}`, event.status === 'merged' ? 'green' : 'red', 'bold');
  }
  const line = formatEvent(event, view);
  if (line === null) return null;
  if (LOUD.has(event.type)) return paint(line, 'red', 'bold');
  if (GOOD.has(event.type) || (event.type === 'run.landed' && event.fastForwarded)) return paint(line, 'green');
  if (BAD.has(event.type) || event.type === 'run.landed') return paint(line, event.type === 'attempt.finished' ? 'yellow' : 'red');
  if (event.type === 'repair.scheduled' || event.type === 'retry.scheduled' || event.type === 'run.note') return paint(line, 'yellow');
  return paint(line, 'dim');
}

/** `━━ t1 · Add subtract(a,b) · attempt 2 · claude ━━━━` */
export function header(parts: readonly string[], paint: Painter, width = 72): string {
  const text = ` ${parts.filter(Boolean).join(' · ')} `;
  const fill = Math.max(3, width - text.length - 3);
  return paint(`━━${text}${'━'.repeat(fill)}`, 'bold', 'blue');
}
