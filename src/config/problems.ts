/**
 * One problem found in a config file, with where it is. Every config check reports these, so
 * `loop validate`, `loop run` and the editor-style one-line format all agree.
 */
export interface ConfigProblem {
  severity: 'error' | 'warning';
  /** The file as the user should read it (relative to the cwd when inside it). */
  file: string;
  /** 1-based; null when the problem is about the file as a whole. */
  line: number | null;
  column: number | null;
  /** Key path such as `roles[2].provider`; empty for the whole file. */
  path: string;
  message: string;
}

/** `loop.config.yaml:12:5: roles[2].provider: …`, warnings prefixed `warning: `. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line === null ? p.file : p.column === null ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
  const subject = p.path ? `${p.path}: ` : '';
  return `${p.severity === 'warning' ? 'warning: ' : ''}${where}: ${subject}${p.message}`;
}

/** File order: by line (file-wide problems first), then column. Stable for equal positions. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
