/**
 * One repository's merge queue, run as trains. Accepted changes waiting when a train leaves are
 * merged one after the other onto the integration head in the object store (prefix k = head + the
 * first k changes), the suite runs once on the whole train, and when it holds (the regression rule
 * against the head's own run) the branch advances past all of them by compare-and-swap. A red train
 * is searched for its first red prefix (train-plan.ts): that change is refused with the per-test
 * evidence, everything before it lands, and everything after it waits for the next train, merged
 * again without it. Only tested green trees ever land. Runs are cached by tree, so a prefix whose
 * tree was already tested (a change alone on the head it was verified on) costs no run.
 */
import type { BoardEventDraft, Failure, MergeResult, RequestOf } from '../protocol/index.js';
import type { Scope, Suite, Tester, TestOutcome } from './gate-tests.js';
import { firstTrainSize, narrow, nextTrainSize, probes, trainDeparture, trainWaitLimitMs } from './train-plan.js';

type Merge = RequestOf<'merge'>;

/** The regression rule's answer for a change's run against its base's. */
export interface Verdict {
  ok: boolean;
  /** One line naming what broke (or what already failed on the base). */
  summary: string;
  /** Tests that passed on the base and do not now. */
  broken: string[];
  /** Tests that fail as they did on the base (reported, not blocking). */
  preExisting: string[];
  /** For a repair prompt: the verdict in words, the failing tests with their messages, the output's last lines. */
  evidence: string;
}

export interface MergePorts<O extends TestOutcome> {
  /**
   * The merge commit onto `baseSha`; the scratch slot may be left anywhere (the gate prepares its
   * slots before testing). Without a scratch slot (`null`: merging ahead while a suite may be using
   * it) only the object store is used, and the answer is null where git is too old for that.
   */
  merge(options: { repo: string; scratch: string | null; baseSha: string; commit: string; message: string }): Promise<Merged | null>;
  resolve(repo: string, ref: string): Promise<string>;
  advance(repo: string, ref: string, newSha: string, oldSha: string): Promise<boolean>;
  /** The regression rule: the change's run against its base's (null when the base could not be run). */
  judge(change: O, base: O | null): Verdict;
}

export type Merged = { ok: true; sha: string; tree: string } | { ok: false; files: string[]; message: string };

export type Answer = { kind: 'merged'; result: MergeResult } | { kind: 'interrupted'; reason: string };

interface Member {
  request: Merge;
  scope: Scope;
  answer: (answer: Answer) => void;
  fail: (error: unknown) => void;
  /** Trains this change was merged into whose head moved under them. */
  moved: number;
}

interface Link {
  member: Member;
  /** Merge commit of this change onto the previous link (or the head). */
  sha: string;
}

export class MergeQueue<O extends TestOutcome> {
  readonly #waiting: Member[] = [];
  #running = false;
  #scheduled = false;
  #size: number | null = null;
  /** Tasks on their way to this queue, as the latest change to arrive saw them: agent done, and agent at work with when it should finish. */
  #onTheWay: readonly string[] = [];
  #arriving: readonly { taskId: string; at: number }[] = [];
  /**
   * Every task this queue was handed: not on its way any more, even where the snapshot that came
   * with a later change (taken before this one's answer reached the board) still says so. A refused
   * change that comes back after its repair is not waited for: the wait errs on the side of leaving.
   */
  readonly #handed = new Set<string>();
  /** Since when a train could have left (the queue idle with changes waiting), while it waits for more. */
  #readySince: number | null = null;
  #recheck: ReturnType<typeof setTimeout> | null = null;
  /** Merges by base, change and message, computed once: ahead of a waiting train, then used by it. */
  readonly #merges = new Map<string, Promise<Merged | null>>();
  /** The walk merging the waiting changes ahead of their train, while one runs. */
  #ahead: Promise<void> | null = null;

  constructor(
    private readonly ports: MergePorts<O>,
    private readonly tester: Tester<O>,
    private readonly emit: (draft: BoardEventDraft) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many changes the next train takes. */
  nextTrainSize(cap: number): number {
    return Math.min(cap, this.#size ?? firstTrainSize(cap));
  }

  /** True when a change arriving now will be in the next train (for `preMergeTests: auto`). */
  joinsNextTrain(cap: number): boolean {
    return this.#waiting.length < this.nextTrainSize(cap);
  }

  /** Resolves when this change landed, was refused, or its request was cancelled. */
  enqueue(request: Merge, scope: Scope): Promise<Answer> {
    return new Promise<Answer>((answer, fail) => {
      const member: Member = { request, scope, answer, fail, moved: 0 };
      this.#waiting.push(member);
      this.#handed.add(request.taskId);
      this.#onTheWay = request.onTheWay;
      const now = this.now();
      this.#arriving = request.arriving.map((a) => ({ taskId: a.taskId, at: now + a.inMs }));
      scope.signal.addEventListener('abort', () => {
        const at = this.#waiting.indexOf(member);
        if (at >= 0) {
          this.#waiting.splice(at, 1);
          answer({ kind: 'interrupted', reason: String(scope.signal.reason ?? 'cancelled') });
        }
      }, { once: true });
      this.#schedule();
    });
  }

  /** Changes that arrive in the same turn of the event loop leave in the same train. */
  #schedule(): void {
    if (this.#running || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    if (this.#recheck !== null) clearTimeout(this.#recheck);
    this.#recheck = null;
    if (this.#running || this.#waiting.length === 0) {
      if (this.#waiting.length === 0) this.#readySince = null;
      return;
    }
    const first = this.#waiting[0]!.request;
    const size = this.nextTrainSize(first.maxTrain);
    const now = this.now();
    this.#readySince ??= now;
    const limitMs = trainWaitLimitMs(first.trainWait, first.testCommand === null ? null : this.tester.suiteEstimateMs(first.repoPath!));
    const waitedMs = now - this.#readySince;
    const departure = trainDeparture({
      waiting: this.#waiting.length, size, waitedMs, limitMs,
      onTheWay: this.#onTheWay.filter((id) => !this.#handed.has(id)).length,
      arrivingInMs: this.#arriving.filter((a) => !this.#handed.has(a.taskId)).map((a) => a.at - now),
    });
    if (!departure.go) {
      // an arrival decides again at once (#schedule); this is for the wait running out
      this.#recheck = setTimeout(() => this.#schedule(), departure.recheckInMs);
      this.#mergeAhead(size);
      return;
    }
    this.#readySince = null;
    this.#running = true;
    const members = this.#waiting.splice(0, size);
    this.#train(members)
      .catch((error: unknown) => {
        for (const member of members) member.fail(error);
      })
      .finally(() => {
        this.#running = false;
        this.#schedule();
      });
  }

  /** A change merged onto `baseSha`, once: a train asks for what the walk ahead may already have. */
  #merge(repo: string, scratch: string | null, baseSha: string, member: Member): Promise<Merged | null> {
    const { taskCommit, message } = member.request;
    const key = `${baseSha} ${taskCommit} ${message}`;
    let merged = this.#merges.get(key);
    if (merged === undefined) {
      merged = this.ports.merge({ repo, scratch, baseSha, commit: taskCommit!, message });
      this.#merges.set(key, merged);
      merged.then((m) => m === null && this.#merges.delete(key), () => this.#merges.delete(key));
    }
    return merged;
  }

  /** For the train itself: in the object store (or the merge made ahead), else in the scratch slot where git is too old for that. */
  async #mergeNow(repo: string, scratch: string, baseSha: string, member: Member): Promise<Merged> {
    return (await this.#merge(repo, null, baseSha, member)) ?? (await this.#merge(repo, scratch, baseSha, member))!;
  }

  /**
   * While a train waits for changes on their way, the changes already waiting are merged onto the
   * head in the object store one after the other, as the train will: when it leaves, only the
   * last arrivals are left to merge. Never in the scratch slot, where a suite may be running.
   */
  #mergeAhead(size: number): void {
    if (this.#ahead !== null || this.#waiting.length === 0) return;
    const { repoPath, integrationRef } = this.#waiting[0]!.request;
    this.#ahead = (async () => {
      let tip = await this.ports.resolve(repoPath!, integrationRef!);
      for (let i = 0; i < Math.min(size, this.#waiting.length) && !this.#running; i++) {
        const merged = await this.#merge(repoPath!, null, tip, this.#waiting[i]!);
        if (merged === null || !merged.ok) return;
        tip = merged.sha;
      }
    })()
      .catch(() => undefined)
      .finally(() => (this.#ahead = null));
  }

  async #train(members: Member[]): Promise<void> {
    const started = Date.now();
    const first = members[0]!.request;
    const repo = first.repoPath!;
    const ref = first.integrationRef!;
    const cap = first.maxTrain;
    const scope = trainScope(members);
    const suite: Suite | null = first.testCommand === null ? null : { testCommand: first.testCommand, setupCommand: first.setupCommand, testTimeoutMs: first.testTimeoutMs };
    const report = { landed: [] as string[], culprits: [] as string[], conflicts: [] as string[], requeued: [] as string[], suiteRuns: 0, bisectRuns: 0 };
    const requeue: Member[] = [];

    const head = await this.ports.resolve(repo, ref);
    const chain: Link[] = [];
    for (const member of members) {
      const tip = chain.at(-1)?.sha ?? head;
      const merged = await this.#mergeNow(repo, first.gateWorkdirs[0]!, tip, member);
      if (merged.ok) {
        this.tester.rememberTree(merged.sha, merged.tree);
        chain.push({ member, sha: merged.sha });
        continue;
      }
      // It may only conflict with a change ahead of it in this train, which might not land: next train.
      if (tip !== head && (await this.#mergeNow(repo, first.gateWorkdirs[0]!, head, member)).ok) {
        requeue.push(member);
        continue;
      }
      report.conflicts.push(member.request.taskId);
      member.answer({ kind: 'merged', result: conflictResult(merged.files, merged.message, started) });
    }

    let green = chain.length;
    let landedVerdict: Verdict | undefined;
    if (suite !== null && chain.length > 0) {
      const baseLog = first.logFile.replace(/(\.log)?$/, '.base.log');
      const base = await this.tester.test(repo, head, { gateSlots: first.gateWorkdirs }, suite, baseLog, scope);
      report.suiteRuns += base.started ? 1 : 0;
      const baseRun = base.kind === 'run' ? base.run : null;
      const verdicts = new Map<number, Verdict>();
      const judgePrefix = async (k: number): Promise<Verdict> => {
        const link = chain[k - 1]!;
        const tested = await this.tester.test(repo, link.sha, { gateSlots: first.gateWorkdirs }, suite, link.member.request.logFile, scope);
        report.suiteRuns += tested.started ? 1 : 0;
        if (k < chain.length) report.bisectRuns += tested.started ? 1 : 0;
        const verdict = tested.kind === 'run'
          ? this.ports.judge(tested.run, baseRun)
          : { ok: false, summary: tested.summary, broken: [], preExisting: [], evidence: tested.evidence };
        verdicts.set(k, verdict);
        return verdict;
      };
      if (!(await judgePrefix(chain.length)).ok) {
        let interval = { green: 0, red: chain.length };
        for (let next = probes(0, chain.length, first.gateWorkdirs.length); next.length > 0; next = probes(interval.green, interval.red, first.gateWorkdirs.length)) {
          const results = new Map<number, boolean>();
          await Promise.all(next.map(async (k) => results.set(k, (await judgePrefix(k)).ok)));
          interval = narrow(interval.green, interval.red, results);
        }
        green = interval.green;
        const culprit = chain[interval.red - 1]!;
        report.culprits.push(culprit.member.request.taskId);
        culprit.member.answer({ kind: 'merged', result: culpritResult(verdicts.get(interval.red)!, chain.length, interval.red, started) });
        requeue.push(...chain.slice(interval.red).map((link) => link.member));
      }
      landedVerdict = verdicts.get(green);
    }
    // Batching costs nothing without a suite; with one, the size follows how trains fare.
    if (suite === null) this.#size = cap;
    else if (chain.length > 0) this.#size = nextTrainSize(this.#size ?? firstTrainSize(cap), report.culprits.length === 0, cap);

    // Changes whose callers stopped waiting (the run is stopping) do not land: land what precedes them.
    const stopped = chain.slice(0, green).findIndex((link) => link.member.scope.signal.aborted);
    const landing = stopped === -1 ? green : stopped;
    for (const link of chain.slice(landing, green)) {
      if (link.member.scope.signal.aborted) link.member.answer({ kind: 'interrupted', reason: String(link.member.scope.signal.reason ?? 'cancelled') });
      else requeue.push(link.member);
    }
    if (landing > 0 && !(await this.ports.advance(repo, ref, chain[landing - 1]!.sha, head))) {
      // Only the gate moves the integration branch; if someone else did, merge everything again on top.
      for (const link of chain.slice(0, landing)) {
        if (++link.member.moved > 2) throw new Error(`the integration branch ${ref} moved during merges three times; only the gate may advance it`);
        requeue.push(link.member);
      }
    } else {
      for (const link of chain.slice(0, landing)) {
        report.landed.push(link.member.request.taskId);
        const summary = `merged onto the integration branch (${link.sha.slice(0, 7)})${members.length > 1 ? ` in a train of ${members.length}` : ''}`;
        link.member.answer({ kind: 'merged', result: { ok: true, sha: link.sha, summary, durationMs: Date.now() - started } });
      }
    }
    const back = requeue.filter((member) => !member.scope.signal.aborted);
    for (const member of requeue) if (member.scope.signal.aborted) member.answer({ kind: 'interrupted', reason: String(member.scope.signal.reason ?? 'cancelled') });
    report.requeued.push(...back.map((member) => member.request.taskId));
    this.#waiting.unshift(...back);
    // merges onto the head this train started from: no later train asks for them
    this.#merges.clear();
    this.emit({
      type: 'train.finished', repo: first.repo, tasks: members.map((m) => m.request.taskId),
      ...report, durationMs: Math.max(0, Date.now() - started),
      ...(landedVerdict && report.landed.length > 0 ? { tests: `\`${first.testCommand}\`: ${landedVerdict.summary}` } : {}),
    });
  }
}

function failure(kind: Failure['kind'], summary: string, evidence: string): Failure {
  return { kind, summary, evidence };
}

function conflictResult(files: string[], message: string, started: number): MergeResult {
  const evidence = `Merging onto the current integration head conflicted in: ${files.join(', ')}\n${message}\nRebuild the change on top of the current code (which now includes other merged tasks).`;
  return { ok: false, sha: null, summary: `merge conflict in ${files.join(', ')}`, failure: { ...failure('conflict', `merge conflict in ${files.join(', ')}`, evidence), files }, durationMs: Date.now() - started };
}

function culpritResult(verdict: Verdict, trainSize: number, position: number, started: number): MergeResult {
  const summary = `tests failed after merging with the latest integrated work: ${verdict.summary}`;
  const how = trainSize > 1
    ? `\n\nFound by bisecting a merge train of ${trainSize} changes: the integration head with the ${position - 1} change${position === 2 ? '' : 's'} merged before this one passed; adding this change made it fail.`
    : '';
  return { ok: false, sha: null, summary, failure: failure('merge-tests', summary, `${verdict.evidence}${how}`), durationMs: Date.now() - started };
}

/** The train's suite runs serve every member: they are cancelled only when every member's request is. */
function trainScope(members: readonly Member[]): Scope {
  const controller = new AbortController();
  const onAbort = (): void => {
    if (members.every((m) => m.scope.signal.aborted)) controller.abort(members[0]!.scope.signal.reason);
  };
  for (const member of members) member.scope.signal.addEventListener('abort', onAbort, { once: true });
  onAbort();
  const lead = members[0]!.scope;
  return { signal: controller.signal, adoptGroup: (pid) => lead.adoptGroup(pid), releaseGroup: (pid) => lead.releaseGroup(pid) };
}
