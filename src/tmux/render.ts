/**
 * How transcripts and board facts look in a terminal (the viewport panes, `loop logs`): decoded
 * transcript entries and the printer's board lines, with colours when the output is a terminal.
 */
import { formatEntry, type TranscriptEntry } from '../../protocol/transcript.js';
import type { BoardEvent } from '../../protocol/index.js';
import { describeEvent, type EventTone } from '../board/describe.js';
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

const TONE: Record<EventTone, Paint[]> = { good: ['green'], bad: ['red'], warn: ['yellow'], info: ['dim'] };

/** A board fact in the printer's words, coloured by its tone (board/describe.ts); shouted labels are bold. */
export function renderBoardLine(event: BoardEvent, view: RunView, paint: Painter): string | null {
  const said = describeEvent(event);
  if (said === null) return null;
  // the foreground printer leaves the run's end to its summary; a pane says it in one line
  const line = event.type === 'run.finished' ? `${new Date(event.ts).toISOString().slice(11, 19)}  run finished: ${said.text}` : formatEvent(event, view);
  if (line === null) return null;
  const loud = event.type === 'run.finished' || said.what === said.what.toUpperCase();
  return paint(line, ...TONE[said.tone], ...(loud ? ['bold' as const] : []));
}

/** `━━ t1 · Add subtract(a,b) · attempt 2 · claude ━━━━` */
export function header(parts: readonly string[], paint: Painter, width = 72): string {
  const text = ` ${parts.filter(Boolean).join(' · ')} `;
  const fill = Math.max(3, width - text.length - 3);
  return paint(`━━${text}${'━'.repeat(fill)}`, 'bold', 'blue');
}
