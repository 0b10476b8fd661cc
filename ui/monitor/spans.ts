/**
 * Styled text for the terminal: a line is a list of spans, cut to the screen width before any
 * escape code is added, so a narrow terminal never wraps and plain output (pipes, --once, NO_COLOR)
 * is the same text without colour.
 */
export type Style = 'plain' | 'dim' | 'bold' | 'red' | 'amber' | 'green' | 'cyan' | 'heading';
export type Span = [text: string, style?: Style];
export type Line = Span[];

const SGR: Record<Style, string> = {
  plain: '', dim: '2', bold: '1', red: '31', amber: '33', green: '32', cyan: '36', heading: '1;36',
};

export const lineWidth = (line: Line): number => line.reduce((n, [text]) => n + [...text].length, 0);

/** Cuts the line to `width` characters, ending in … when something was cut. */
export function fit(line: Line, width: number): Line {
  if (lineWidth(line) <= width) return line;
  const out: Line = [];
  let room = Math.max(0, width - 1);
  for (const [text, style] of line) {
    if (room <= 0) break;
    const chars = [...text];
    out.push([chars.slice(0, room).join(''), style]);
    room -= Math.min(room, chars.length);
  }
  out.push(['…', 'dim']);
  return out;
}

export function render(line: Line, color: boolean): string {
  return line
    .map(([text, style]) => (color && style && style !== 'plain' && text.length > 0 ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text))
    .join('');
}

export const padTo = (text: string, width: number): string => {
  const n = [...text].length;
  return n >= width ? text : text + ' '.repeat(width - n);
};
