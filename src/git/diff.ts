/**
 * The diff a critic reviews. A diff between two commits shows added files in full (the anchor's
 * critic saw only the names of new files, research §17 item 21). A `--stat` header lists every
 * changed file first, so a truncated diff still says what it left out.
 */
import { gitCapped } from './git.js';

/** How much of a diff a review shows (the stat header counts). */
export const REVIEW_MAX_CHARS = 60_000;
const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/'];
/** One git process for both: the --stat block comes first, then the patches. */
const REVIEW_ARGS = ['--stat=120', '--stat-graph-width=20', '--patch', ...DIFF_FLAGS];
/** Read up to this much: a diff cut only at the end keeps its line boundaries and says how much is left. */
const capFor = (maxChars: number): number => maxChars * 4 + 64 * 1024;

export async function diffForReview(repo: string, base: string, commit: string, options: { maxChars?: number } = {}): Promise<string> {
  const maxChars = options.maxChars ?? REVIEW_MAX_CHARS;
  const out = await gitCapped(repo, ['diff', ...REVIEW_ARGS, base, commit], capFor(maxChars));
  const split = out.stdout.indexOf('\ndiff --git ');
  return reviewText(split === -1 ? out.stdout : out.stdout.slice(0, split), split === -1 ? '' : out.stdout.slice(split + 1), maxChars, out.truncated);
}

/**
 * The review diff of the index of the worktree at `cwd` against `base` (what the commit made from
 * that index will change), and from the same git process the change's `--name-status -z -M`:
 * `--raw -z` records come first, then the stat and the patches. `nameStatus` is null when the
 * diff was so large that the cap cut into the records (the caller reads them on their own then).
 */
export async function stagedReviewAndNameStatus(cwd: string, base: string, options: { maxChars?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ review: string; nameStatus: string | null }> {
  const maxChars = options.maxChars ?? REVIEW_MAX_CHARS;
  const out = await gitCapped(cwd, ['diff', '--cached', '--raw', '-z', ...REVIEW_ARGS, base], capFor(maxChars), options.env);
  const { nameStatus, rest } = rawToNameStatus(out.stdout);
  // the stat block ends with a NUL in -z output, then the patches
  const split = rest.indexOf('\0');
  const review = reviewText(split === -1 ? rest : rest.slice(0, split), split === -1 ? '' : rest.slice(split + 1), maxChars, out.truncated);
  return { review, nameStatus: nameStatus !== null && (!out.truncated || rest.length > 0) ? nameStatus : null };
}

/**
 * `--raw -z` records (`:<modes> <ids> <status>\0<path>\0[<new path>\0]`) at the start of `output`
 * as `--name-status -z` prints them (`<status>\0<path>\0[<new path>\0]`), and what follows them;
 * null when the output ends inside a record.
 */
export function rawToNameStatus(output: string): { nameStatus: string | null; rest: string } {
  let at = 0;
  let nameStatus = '';
  while (output.startsWith(':', at)) {
    const headerEnd = output.indexOf('\0', at);
    if (headerEnd === -1) return { nameStatus: null, rest: '' };
    const status = output.slice(output.lastIndexOf(' ', headerEnd) + 1, headerEnd);
    let next = headerEnd + 1;
    const paths: string[] = [];
    for (let i = /^[RC]/.test(status) ? 2 : 1; i > 0; i--) {
      const end = output.indexOf('\0', next);
      if (end === -1) return { nameStatus: null, rest: '' };
      paths.push(output.slice(next, end));
      next = end + 1;
    }
    nameStatus += `${status}\0${paths.join('\0')}\0`;
    at = next;
  }
  return { nameStatus, rest: output.slice(at) };
}

function reviewText(stat: string, patches: string, maxChars: number, moreUnread: boolean): string {
  const trimmed = stat.trimEnd();
  const header = trimmed.length > 0 ? `${trimmed}\n\n` : '';
  return header + truncate(patches, Math.max(0, maxChars - header.length), moreUnread);
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
