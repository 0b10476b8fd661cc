/**
 * Follows a run's board from another process (a pane, `loop logs --follow`, `loop attach`): each
 * line of events.jsonl, as the board actor writes it, is checked, folded into a RunView and handed
 * over with the view. A line that does not fold is reported once and skipped, never fatal: a
 * viewer must keep showing the run.
 */
import { upcastEvent, type BoardEvent } from '../../protocol/index.js';
import { applyEvent } from '../board/fold.js';
import { emptyRunView, type RunView } from '../board/view.js';
import { FileFollower } from '../util/follow-file.js';

export interface BoardFollowOptions {
  eventsFile: string;
  onEvent: (event: BoardEvent, view: RunView) => void;
  /** A line that could not be read or folded (shown once; following goes on). */
  onProblem?: (message: string) => void;
}

export class BoardFollower {
  readonly view: RunView = emptyRunView();
  readonly #follower: FileFollower;
  readonly #o: BoardFollowOptions;

  constructor(options: BoardFollowOptions) {
    this.#o = options;
    this.#follower = new FileFollower(options.eventsFile, (lines) => this.#lines(lines));
  }

  /** Everything on the board now, synchronously. */
  readNow(): this {
    this.#follower.readNow();
    return this;
  }

  watch(): this {
    this.#follower.watch();
    return this;
  }

  stop(): void {
    this.#follower.stop();
  }

  #lines(lines: string[]): void {
    for (const line of lines) {
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue; // a torn line while it is being written cannot happen (one write per line); a corrupt one is `loop runs`' business
      }
      const read = upcastEvent(raw);
      if (!read.ok) {
        this.#o.onProblem?.(`${this.#o.eventsFile}: ${read.message}`);
        continue;
      }
      if (read.event.seq <= this.view.lastSeq) continue;
      try {
        applyEvent(this.view, read.event);
      } catch (error) {
        this.#o.onProblem?.(error instanceof Error ? error.message : String(error));
        continue;
      }
      this.#o.onEvent(read.event, this.view);
    }
  }
}
