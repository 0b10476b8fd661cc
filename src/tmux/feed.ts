/**
 * What one viewport pane (or `loop logs`) shows: for a role, each of its attempts as a header and
 * the agent's live transcript, decoded, then the gate's and critic's verdicts and the merge in the
 * printer's words; its reviews when it is the critic; the planning when it is the planner; and the
 * run's own milestones. For a task, the same restricted to that task. Fed board events in seq order
 * by its owner; transcript files are followed through the injected `follow`.
 */
import { join } from 'node:path';
import { decodeLine, newDecoder, type DecoderState } from '../../protocol/transcript.js';
import type { BoardEvent } from '../../protocol/index.js';
import type { RunView, TaskView } from '../board/view.js';
import { header, painter, renderBoardLine, renderEntry, type Painter } from './render.js';

export interface Follower {
  readNow(): void;
  flushPartial(): void;
  watch(): unknown;
  stop(): void;
}

export type FeedSubject = { role: string; planner: boolean } | { task: string };

export interface FeedOptions {
  subject: FeedSubject;
  logsDir: string;
  color: boolean;
  /** Ring the terminal bell when something needs the user (a task of this pane escalated, the budget, the run's end). */
  bell: boolean;
  write: (text: string) => void;
  follow: (path: string, onLines: (lines: string[]) => void) => Follower;
}

/** Run-level facts every pane shows. */
const RUN_FACTS = new Set<BoardEvent['type']>(['budget.exhausted', 'run.finished', 'run.landed', 'plan.failed']);
/** Board facts about a task that the header or nothing stands for. */
const NOT_SHOWN = new Set<BoardEvent['type']>(['attempt.started', 'review.started', 'task.dispatched', 'task.ready']);

interface Followed {
  follower: Follower;
  decoder: DecoderState;
  label: string;
}

export class Feed {
  readonly #o: FeedOptions;
  readonly #paint: Painter;
  /** Transcripts being followed, by `<task>#<attempt>`, `review:<task>#<attempt>` or `plan`. */
  readonly #followed = new Map<string, Followed>();
  #live = false;
  /** A streamed assistant message (gemini deltas) is being written on the current line. */
  #lineOpen = false;

  constructor(options: FeedOptions) {
    this.#o = options;
    this.#paint = painter(options.color);
  }

  /** From now on transcripts are watched as they grow (before: read once, for a replay). */
  goLive(): void {
    this.#live = true;
    for (const { follower } of this.#followed.values()) follower.watch();
  }

  stop(): void {
    for (const key of [...this.#followed.keys()]) this.#unfollow(key);
  }

  event(e: BoardEvent, view: RunView): void {
    const subject = this.#o.subject;
    const task = 'taskId' in e && e.type !== 'cost.recorded' ? view.tasks[e.taskId] : undefined;
    const mine = task !== undefined && this.#owns(task);
    if (e.type === 'run.started' && 'planner' in subject && subject.planner) {
      this.#line(header(['planning', e.goal], this.#paint));
      this.#followLog('plan', join(this.#o.logsDir, 'plan.log'), 'plan');
    }
    if ((e.type === 'plan.accepted' || e.type === 'plan.failed') && this.#followed.has('plan')) this.#unfollow('plan');
    if (e.type === 'attempt.started' && mine) {
      this.#line('');
      this.#line(header([task.id, task.title, `attempt ${e.attempt}`, e.provider], this.#paint));
      this.#followLog(`${task.id}#${e.attempt}`, e.logFile ?? join(this.#o.logsDir, `${task.id}.${e.attempt}.log`), task.id);
      return;
    }
    if (e.type === 'review.started' && e.critic !== 'none' && task && (mine || this.#reviews(e.critic))) {
      if (this.#reviews(e.critic)) {
        this.#line('');
        this.#line(header([`review of ${task.id}`, task.title, `attempt ${e.attempt}`, e.provider], this.#paint));
        this.#followLog(`review:${task.id}#${e.attempt}`, join(this.#o.logsDir, `${task.id}.${e.attempt}.review.log`), `${task.id} review`);
      } else {
        this.#line(renderBoardLine(e, view, this.#paint) ?? '');
      }
      return;
    }
    if (task !== undefined) this.#endTranscripts(e, task);
    const reviewedByMe = (e.type === 'review.accepted' || e.type === 'review.rejected') && this.#reviews(e.critic);
    if ((mine && !NOT_SHOWN.has(e.type)) || reviewedByMe || RUN_FACTS.has(e.type) || this.#isMyActor(e)) {
      const line = renderBoardLine(e, view, this.#paint);
      if (line !== null) this.#line(line);
    }
    if (this.#o.bell && this.#live && ((mine && e.type === 'task.escalated') || e.type === 'budget.exhausted' || e.type === 'run.finished')) {
      this.#o.write('\u0007');
    }
  }

  #owns(task: TaskView): boolean {
    const subject = this.#o.subject;
    return 'task' in subject ? task.id === subject.task : task.role === subject.role;
  }

  #reviews(critic: string): boolean {
    const subject = this.#o.subject;
    return 'role' in subject && subject.role === critic;
  }

  #isMyActor(e: BoardEvent): boolean {
    const subject = this.#o.subject;
    if (!('role' in subject)) return false;
    return (e.type === 'actor.crashed' || e.type === 'actor.restarted') && e.actor === `sme/${subject.role}`;
  }

  /** An attempt's transcript is complete once the board has moved past the agent (or the review). */
  #endTranscripts(e: BoardEvent, task: TaskView): void {
    const attempt = 'attempt' in e && typeof e.attempt === 'number' ? e.attempt : task.attempt;
    const agentDone = ['attempt.finished', 'task.interrupted', 'task.escalated', 'task.cancelled', 'retry.scheduled'].includes(e.type);
    const reviewDone = ['review.accepted', 'review.rejected', 'task.interrupted', 'task.escalated', 'task.cancelled'].includes(e.type);
    if (agentDone) this.#unfollow(`${task.id}#${attempt}`);
    if (reviewDone) this.#unfollow(`review:${task.id}#${attempt}`);
  }

  #followLog(key: string, path: string, label: string): void {
    if (this.#followed.has(key)) return;
    const decoder = newDecoder();
    const followed: Followed = { decoder, label, follower: this.#o.follow(path, (lines) => this.#transcriptLines(followed, lines)) };
    this.#followed.set(key, followed);
    if (this.#live) followed.follower.watch();
    else followed.follower.readNow();
  }

  #unfollow(key: string): void {
    const followed = this.#followed.get(key);
    if (!followed) return;
    followed.follower.readNow();
    followed.follower.flushPartial();
    followed.follower.stop();
    this.#followed.delete(key);
  }

  #transcriptLines(followed: Followed, lines: string[]): void {
    const prefix = this.#followed.size > 1 ? this.#paint(`${followed.label} │ `, 'dim') : '';
    for (const raw of lines) {
      for (const entry of decodeLine(followed.decoder, raw)) {
        if (entry.kind === 'assistant' && entry.delta) {
          this.#o.write(`${this.#lineOpen ? '' : prefix}${entry.text}`);
          this.#lineOpen = true;
          continue;
        }
        for (const line of renderEntry(entry, this.#paint)) this.#line(`${prefix}${line}`);
      }
    }
  }

  #line(text: string): void {
    this.#o.write(`${this.#lineOpen ? '\n' : ''}${text}\n`);
    this.#lineOpen = false;
  }
}
