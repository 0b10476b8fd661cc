/**
 * The diff a critic reviews. A diff between two commits shows added files in full (the anchor's
 * critic saw only the names of new files, research §17 item 21). A `--stat` header lists every
 * changed file first, so a truncated diff still says what it left out.
 */
import { gitCapped } from './git.js';

const DEFAULT_MAX_CHARS = 60_000;
const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/'];

export async function diffForReview(repo: string, base: string, commit: string, options: { maxChars?: number } = {}): Promise<string> {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  // One git process for both: the --stat block comes first, then the patches.
  const out = await gitCapped(repo, ['diff', '--stat=120', '--stat-graph-width=20', '--patch', ...DIFF_FLAGS, base, commit], maxChars * 4 + 64 * 1024);
  const split = out.stdout.indexOf('\ndiff --git ');
  const stat = (split === -1 ? out.stdout : out.stdout.slice(0, split)).trimEnd();
  const diff = split === -1 ? '' : out.stdout.slice(split + 1);
  const header = stat.length > 0 ? `${stat}\n\n` : '';
  return header + truncate(diff, Math.max(0, maxChars - header.length), out.truncated);
}

/** Cuts at a line boundary and says how much was cut. */
export function truncate(text: string, maxChars: number, moreUnread: boolean): string {
  if (text.length <= maxChars && !moreUnread) return text;
  const marker = (cutChars: number, cutLines: number, more: boolean) =>
    `\n[… diff truncated: ${more ? 'at least ' : ''}${cutChars} more characters (${more ? 'at least ' : ''}${cutLines} lines) not shown; the file list above is complete …]\n`;
  const room = Math.max(0, maxChars - 120);
  let cut = text.lastIndexOf('\n', room);
  if (cut <= 0) cut = Math.min(room, text.length);
  const rest = text.slice(cut);
  const restLines = rest.split('\n').length - 1;
  return text.slice(0, cut) + marker(rest.length, restLines, moreUnread);
}
