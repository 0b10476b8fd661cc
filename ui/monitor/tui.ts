/**
 * `loop monitor` on a terminal: the alternate screen, redrawn when the board or a transcript
 * changes (at most every FRAME_MS), every second for the timers, and on resize; `q` or Ctrl-C
 * quits and gives the terminal back as it was.
 */
import { buildDashboard } from '../model/dashboard.js';
import type { RunFeed } from '../live/run-feed.js';
import { renderScreen } from './screen.js';

const FRAME_MS = 50;
const TICK_MS = 1000;

export interface Terminal {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

/** Draws `feed` until the user quits; resolves with the exit code. Call `redraw` when the feed changes. */
export function runMonitor(feed: RunFeed, term: Terminal, options: { color: boolean; now?: () => number }): { redraw: () => void; done: Promise<number> } {
  const now = options.now ?? Date.now;
  const { stdout, stdin } = term;
  let pending: NodeJS.Timeout | null = null;
  let finished = false;

  const draw = (): void => {
    pending = null;
    if (finished) return;
    // Ask the terminal each time: node caches the size and refreshes it only on SIGWINCH, and a
    // signal that arrives between a resize's steps (or is lost under load) would leave the
    // screen drawn at the old size until the next one. The tick then repairs it within a second.
    (stdout as NodeJS.WriteStream & { _refreshSize?: () => void })._refreshSize?.();
    const [width, height] = stdout.getWindowSize?.() ?? [stdout.columns, stdout.rows];
    const lines = renderScreen(buildDashboard(feed.state, now()), { width: width || 80, height: height || 24, color: options.color, nowMs: now() });
    // Home, each line then clear to its end, then clear below: no flicker, no leftovers after a resize.
    stdout.write(`\x1b[H${lines.join('\x1b[K\r\n')}\x1b[K\x1b[J`);
  };
  const redraw = (): void => {
    if (!pending && !finished) pending = setTimeout(draw, FRAME_MS);
  };

  const done = new Promise<number>((resolve) => {
    const tick = setInterval(draw, TICK_MS);
    const onResize = (): void => redraw();
    const onKey = (data: Buffer): void => {
      const key = data.toString();
      if (key === 'q' || key === 'Q' || key === '\x03') quit();
    };
    const quit = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(tick);
      if (pending) clearTimeout(pending);
      stdout.off('resize', onResize);
      stdin.off('data', onKey);
      process.off('SIGINT', quit);
      process.off('SIGTERM', quit);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      stdout.write('\x1b[?25h\x1b[?1049l');
      feed.close();
      resolve(0);
    };
    stdout.write('\x1b[?1049h\x1b[?25l');
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onKey);
    stdout.on('resize', onResize);
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
    draw();
  });
  return { redraw, done };
}
