/**
 * The transcript viewer behind `loop logs` and every viewport pane: replays the run's board and the
 * transcripts it names, prints the last lines, and with `follow` keeps printing as the board and the
 * transcripts grow, until the run finishes. In a pane it also ignores the keyboard (the pane is a
 * view, never an input) and rings the bell when something needs the user.
 */
import type { RunPaths } from '../util/paths.js';
import { FileFollower } from '../util/follow-file.js';
import { isAlive, readRunJson } from '../run/run-json.js';
import { BoardFollower } from './board-follow.js';
import { Feed, type FeedSubject } from './feed.js';
import { painter } from './render.js';

/** How often a follower checks that the run's supervisor is still alive (it leaves no board event when killed). */
const LIVENESS_MS = 2_000;

export interface ViewerOptions {
  paths: RunPaths;
  subject: FeedSubject;
  color: boolean;
  follow: boolean;
  /** Print only the last N lines of what happened so far. */
  lastLines: number | null;
  /** Running in a viewport pane. */
  pane: boolean;
  /** Ring the bell when something needs the user (panes, unless `loop.notify.bell` is off). */
  bell?: boolean;
  out: NodeJS.WritableStream;
  /** Pane mode: the keyboard to ignore. */
  input?: NodeJS.ReadStream;
}

export function runViewer(o: ViewerOptions): Promise<number> {
  let buffered: string[] | null = [];
  const write = (text: string): void => {
    if (buffered) buffered.push(text);
    else o.out.write(text);
  };
  const paint = painter(o.color);
  const feed = new Feed({
    subject: o.subject, logsDir: o.paths.logs, color: o.color, bell: o.bell ?? false, write,
    follow: (path, onLines) => new FileFollower(path, onLines),
  });
  const problems = new Set<string>();
  let finished = false;
  let live = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const board = new BoardFollower({
    eventsFile: o.paths.events,
    onEvent: (event, view) => {
      feed.event(event, view);
      if (event.type === 'run.resumed') finished = false;
      if (event.type !== 'run.finished') return;
      finished = true;
      // after the rest of this read (a resumed run starts again with run.resumed)
      if (live) setImmediate(() => (finished ? end(0) : undefined));
    },
    onProblem: (message) => {
      if (problems.has(message)) return;
      problems.add(message);
      write(`${paint(`loop: ${message}`, 'yellow')}\n`);
    },
  });
  board.readNow();
  const history = (buffered ?? []).join('');
  buffered = null;
  o.out.write(o.lastLines === null ? history : lastLinesOf(history, o.lastLines));
  if (!o.follow || finished) {
    feed.stop();
    board.stop();
    return Promise.resolve(0);
  }

  if (o.pane && o.input?.isTTY) {
    o.input.setRawMode(true);
    o.input.on('data', () => {}); // read and drop: a pane is a view
  }
  const end = (code: number): void => {
    if (!live) return;
    live = false;
    clearInterval(liveness);
    feed.stop();
    board.stop();
    if (o.pane && o.input?.isTTY) {
      o.input.setRawMode(false);
      o.input.pause();
    }
    resolveDone(code);
  };
  let warnedDead = false;
  const liveness = setInterval(() => {
    const run = readRunJson(o.paths.runJson);
    if (warnedDead || !run || run.status !== 'running' || isAlive(run.pid)) return;
    warnedDead = true;
    write(`${paint(`the run's supervisor (pid ${run.pid}) is gone; \`loop resume ${run.runId}\` continues the run`, 'red', 'bold')}\n`);
  }, LIVENESS_MS);
  live = true;
  board.watch();
  feed.goLive();
  return done;
}

function lastLinesOf(text: string, count: number): string {
  if (count <= 0) return '';
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.slice(-count).join('\n')}\n`;
}
