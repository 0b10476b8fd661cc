/**
 * The composition root of a run (new or resumed): starts the supervision tree, bridges it to the
 * board, opens the repositories, writes the prompts, plans, drives the conductor, lands and
 * cleans up, and reports. Ctrl-C (or SIGTERM) stops cleanly: agents are cancelled and killed,
 * in-flight tasks are marked interrupted, exit 4; a second Ctrl-C stops the actors at once.
 */
import { setMaxListeners } from 'node:events';
import { basename } from 'node:path';
import type { Plan } from '../../protocol/index.js';
import { SnapshotKeeper, type LoadedBoard } from '../board/replay.js';
import { emptyRunView } from '../board/view.js';
import type { Supervisor } from '../../supervisor/supervisor.js';
import { BudgetTracker } from '../budget/tracker.js';
import type { LoadedConfig } from '../config/load.js';
import { loopHome, type RunPaths } from '../util/paths.js';
import { primeTrainBase } from './stages/train.js';
import { bridge } from './bridge.js';
import { recoverInFlight } from './recover.js';
import { BoardClient } from './board-client.js';
import { localEngine, type RunEngine } from './engine.js';
import { Conductor } from './conductor.js';
import { landAndClean } from './finish.js';
import { runOutcome, type RunOutcome } from './outcome.js';
import { obtainPlan, restorePlan } from './planning.js';
import { forecastBeforeSpend, type BudgetQuestion } from './forecast-step.js';
import { EXIT } from '../util/exit-codes.js';
import { readRunJson, writeRunJson } from './run-json.js';
import { formatEvent } from './printer.js';
import { readIntelligence, writeSystemPrompts } from './prepare.js';
import { killRunAgents } from './stale-agents.js';
import { summaryJson, summaryText } from './summary.js';
import { taskRoles } from './team.js';
import { runSupervisor } from './run-supervisor.js';
import { teamFingerprint } from './team-drift.js';
import { repoNameOf, type RunContext } from './run-context.js';
import { isUserError, type UserError } from '../util/errors.js';
import { openWorkspace, type RepoWorkspace } from './workspace.js';
import { watchControl } from './control.js';
import { answerPlanApproval, answerRetry } from './control-answers.js';
import { awaitPlanApproval } from './plan-approval.js';
import { Notifier } from './notify.js';
import { Takeovers } from './takeover.js';
import { excludeStateDir } from '../config/git-exclude.js';
import { chooseViewport, openViewport, viewportNote, type Viewport } from '../tmux/viewport.js';
import { tmuxInstalled } from '../tmux/tmux.js';

export interface SessionOptions {
  loaded: LoadedConfig;
  runId: string;
  paths: RunPaths;
  mode: 'dry-run' | 'execute';
  goal: string;
  plan: Plan | null;
  /** The board as it was on disk (resume), else null for a new run. */
  existing: LoadedBoard | null;
  /** Where the board lives (`loop.engine`), opened (and closed) by the command; default: the local JSONL board. */
  engine?: RunEngine;
  json: boolean;
  /** What to do when the forecast passes the budget (new runs); default: never ask. */
  budgetQuestion?: BudgetQuestion;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** `--tmux` (true) or `--no-tmux` (false); undefined = the config's `loop.viewport`. */
  tmux?: boolean | undefined;
  /** The supervisor runs detached (`--detach`): no terminal now, but someone will attach. */
  detached?: boolean;
  /** `--approve-plan`: wait for `loop approve` after planning (else the config's `loop.approvePlan`). */
  approvePlan?: boolean | undefined;
  /** Made (and preforked) by the command before this module loaded (`runSupervisor`); else made here. Stopped here either way. */
  supervisor?: Supervisor;
}

export async function runSession(o: SessionOptions): Promise<number> {
  const started = Date.now();
  const resume = o.existing !== null;
  const stop = new AbortController();
  // Every attempt in flight listens for the stop (and removes its listener when it ends); with
  // pipelined roles a run has far more than Node's default warning threshold of 10 in flight.
  setMaxListeners(0, stop.signal);
  const say = (line: string): void => void (o.json ? o.stderr : o.stdout).write(`${line}\n`);
  const config = o.loaded.config;
  const engine = o.engine ?? localEngine(o.paths);
  const supervisor = o.supervisor ?? runSupervisor({ ...o, engine });
  const board = new BoardClient(supervisor, o.existing?.view ?? emptyRunView(), o.paths.events);
  const snapshots = new SnapshotKeeper(o.paths.events, board.view, o.existing?.problems ?? []);
  const notifier = new Notifier({ settings: config.loop.notify, terminal: o.json ? o.stderr : o.stdout, detached: o.detached ?? false, logsDir: o.paths.logs, cwd: o.loaded.dir, say });
  board.on((event, view) => {
    const line = formatEvent(event, view);
    if (line) say(line);
    snapshots.folded();
    notifier.event(event, view);
  });

  let conductor: Conductor | null = null;
  const lastCrash = new Map<string, string>();
  /** Supervision facts still being written; the run does not finish before they are on the board. */
  const recording = new Set<Promise<unknown>>();
  const record = (promise: Promise<unknown>, what: string): void => {
    const tracked = promise.catch((error: unknown) => say(`loop: could not record ${what}: ${error instanceof Error ? error.message : String(error)}`));
    recording.add(tracked);
    void tracked.finally(() => recording.delete(tracked));
  };
  supervisor.on((event) => bridge(event, (draft) => record(board.append(draft), draft.type), lastCrash, (role, reason) => conductor?.roleGaveUp(role, reason)));

  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts === 1) {
      say(`\n${signal}: stopping — cancelling agents and marking in-flight tasks interrupted (press Ctrl-C again to stop at once)`);
      stop.abort(signal);
    } else {
      say(`${signal} again: stopping every actor now`);
      void supervisor.stop('forced');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let outcome: RunOutcome | null = null;
  /** The user answered no when the forecast passed the budget: nothing was dispatched. */
  let declined = false;
  let bug: string | null = null;
  /** A user's mistake found while preparing (e.g. a detached HEAD): one line, exit 2, nothing spent. */
  let mistake: UserError | null = null;
  /** Until the tree is up there is no board actor to write to. */
  let supervisorStarted = false;
  let viewport: Viewport | null = null;
  let stopControl = (): void => {};
  const workspaces = new Map<string, RepoWorkspace>();
  const runIdentity = { runId: o.runId, goal: o.goal, mode: o.mode, configFile: o.loaded.file, configHash: o.loaded.hash, team: teamFingerprint(config) };
  try {
    writeRunJson(o.paths.runJson, { ...runIdentity, status: 'running', pid: process.pid, startedAt: resume ? readRunJson(o.paths.runJson)?.startedAt ?? started : started });
    if (resume) {
      const killed = killRunAgents(o.paths.dir);
      if (killed.length > 0) say(`killed ${killed.length} agent process group(s) left by the previous supervisor`);
    }
    // The actors' Node processes boot while the repositories are prepared; they start (and the
    // board opens) only at supervisor.start() below.
    supervisor.prefork();
    if (o.mode === 'execute') {
      // `.loop/` must never show up as untracked work in the user's checkout (or get committed).
      await excludeStateDir(o.loaded.dir);
      for (const repo of o.loaded.repositories) {
        say(`preparing ${repo.name}: learning the project, integration branch, worktree slots…`);
        // the first tasks' worktrees are made while the actors start and the plan is read
        const agentsHere = taskRoles(config).filter((role) => repoNameOf(o.loaded, role, undefined) === repo.name).reduce((n, role) => n + role.concurrency, 0);
        const ws = await openWorkspace({
          repo, config, configFile: o.loaded.file, configDir: o.loaded.dir, runId: o.runId, home: loopHome(), logsDir: o.paths.logs, onLog: say,
          prewarmTaskSlots: Math.min(config.loop.maxParallel, agentsHere),
        });
        workspaces.set(repo.name, ws);
      }
    }
    const systemPrompts = writeSystemPrompts({
      loaded: o.loaded, runId: o.runId, paths: o.paths,
      intelligenceFor: (role) => {
        const repo = role.repositories[0] ?? o.loaded.repositories[0]?.name;
        return (repo === undefined ? undefined : workspaces.get(repo)?.intelligenceText) ?? readIntelligence(o.loaded);
      },
    });
    if (!resume) say(`run ${o.runId} · ${config.project ?? basename(o.loaded.dir)} · ${o.mode}${o.mode === 'dry-run' ? ' (sim agents, no spend; add --execute to run the real providers)' : ''}`);
    else say(`resuming run ${o.runId} · ${o.mode}`);
    // The first train's base run starts as soon as the gate is up (it starts first), while the
    // other actors start, the plan is read and the first agents work.
    const actors = engine.actorPort(supervisor, workspaces);
    void supervisor.whenRunning('gate').then(() => {
      for (const ws of workspaces.values()) primeTrainBase({ supervisor: actors, runId: o.runId, paths: o.paths, config, stop: stop.signal }, ws);
    }, () => undefined);
    await supervisor.start();
    supervisorStarted = true;
    viewport = await openRunViewport(o, say);
    const view = board.view;
    const rt: RunContext = {
      loaded: o.loaded, config, mode: o.mode, workspaces, runId: o.runId, goal: o.goal, paths: o.paths, board,
      supervisor: actors,
      budget: new BudgetTracker(config.loop.budgetUsd ?? null, view.spend.totalUsd),
      stop: stop.signal, systemPrompts, now: Date.now, random: Math.random, viewport, takeovers: new Takeovers(),
    };
    conductor = new Conductor(rt, (reason) => stop.abort(reason));
    stopControl = watchControl(o.paths.dir, {
      takeover: (request) => record(rt.takeovers.request(rt, request.role), 'a takeover request'),
      retry: (request) => record(answerRetry(rt, request), 'a retry request'),
      approvePlan: (request) => record(answerPlanApproval(rt, request), 'a plan approval'),
    }, say);
    if (!resume) {
      await board.append({
        type: 'run.started', runId: o.runId, goal: o.goal, mode: o.mode, configHash: o.loaded.hash, configFile: o.loaded.file,
        pid: process.pid, roles: config.roles.map((r) => r.name), budgetUsd: config.loop.budgetUsd ?? null, maxParallel: config.loop.maxParallel,
      });
    } else {
      await recoverInFlight(rt);
      await restorePlan(rt, say);
    }
    if (board.view.order.length === 0) {
      const planned = await obtainPlan(rt, o.plan, stop.signal);
      // loaded only by a dry run, the one that prints it (every provider's adapter: ~60 ms of loading)
      if (planned && o.mode === 'dry-run') await (await import('./argv-preview.js')).printArgvPreview(rt, say);
    }
    if (!resume && board.view.order.length > 0 && !stop.signal.aborted) {
      declined = !(await forecastBeforeSpend(rt, say, o.budgetQuestion ?? { yes: false, ask: null }));
    }
    const canDrive = !declined && (board.view.planFailure === undefined || board.view.order.length > 0);
    const approved = canDrive && board.view.order.length > 0 && !stop.signal.aborted
      ? await awaitPlanApproval(rt, o.approvePlan ?? config.loop.approvePlan, say)
      : true;
    if (canDrive && approved) await conductor.drive();
    // Nothing can move any more: a request that came now would change a board being finished;
    // it waits in the control folder for `loop resume` instead.
    stopControl();
    await board.flush();
    await Promise.all([...recording]);
  } catch (error) {
    if (isUserError(error)) {
      mistake = error;
    } else {
      bug = error instanceof Error ? error.message : String(error);
      if (process.env['LOOP_DEBUG'] && error instanceof Error) say(error.stack ?? '');
    }
    stop.abort(mistake ? 'usage error' : 'internal error');
  } finally {
    stopControl();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  // Landing and clean-up are not cut short by a signal: they move the user's branch and remove
  // loop's own worktrees in a few hundred milliseconds, and loop killed half-way would leave the
  // actors running and the run's state unwritten. The first signal says so; a second leaves at
  // once, with the actors stopped first (a landing that hangs, say on `gh`, is not waited for).
  let lateSignals = 0;
  const onLateSignal = (signal: NodeJS.Signals): void => {
    lateSignals += 1;
    if (lateSignals === 1) {
      say(`\n${signal}: the run is finishing (landing, clean-up, summary); press Ctrl-C again to leave at once`);
      return;
    }
    if (lateSignals > 2) return;
    say(`${signal} again: leaving now; \`loop clean --run ${o.runId}\` removes what is left of the run's worktrees and branches`);
    void supervisor.stop('forced').finally(() => process.exit(EXIT.interrupted));
  };
  process.on('SIGINT', onLateSignal);
  process.on('SIGTERM', onLateSignal);

  try {
    outcome = mistake
      ? { status: 'failed', exitCode: mistake.exitCode, reason: mistake.message }
      : declined
        ? { status: 'interrupted', exitCode: EXIT.interrupted, reason: `not started: the forecast passes the budget; \`loop resume ${o.runId}\` starts it` }
        : runOutcome(board.view, { stopped: stop.signal.aborted && bug === null, bug });
    if (mistake) o.stderr.write(`loop: ${mistake.message}\n`);
    if (workspaces.size > 0 && mistake !== null) {
      // A repository refused after others were opened: their slots go, their branches stay for
      // `loop resume` (and `loop clean`); nothing lands after a usage error.
      for (const ws of workspaces.values()) await ws.pool.dispose();
    } else if (workspaces.size > 0 && bug === null) {
      await landAndClean({
        runId: o.runId, goal: o.goal, runDir: o.paths.dir, policy: config.loop.land, view: board.view, outcome, workspaces: workspaces.values(),
        repoOf: (task) => repoNameOf(o.loaded, config.roles.find((r) => r.name === task.role), task.repo),
        append: (d) => board.append(d), log: say,
      });
    }
    if (supervisorStarted) await board.append({ type: 'run.finished', status: outcome.status, exitCode: outcome.exitCode, reason: outcome.reason }).catch(() => undefined);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { status: 'failed', exitCode: 5, reason: `internal error while finishing: ${message}` };
  } finally {
    await supervisor.stop('run finished');
    await notifier.flush();
    await viewport?.close().catch(() => undefined);
  }
  snapshots.close();
  writeRunJson(o.paths.runJson, {
    ...runIdentity, status: outcome.status, pid: process.pid, startedAt: readRunJson(o.paths.runJson)?.startedAt ?? started, endedAt: Date.now(), exitCode: outcome.exitCode, reason: outcome.reason,
  });
  if (o.json) o.stdout.write(`${JSON.stringify(summaryJson(board.view, outcome), null, 2)}\n`);
  else if (!mistake) o.stdout.write(summaryText(board.view, outcome, Date.now() - started));
  process.off('SIGINT', onLateSignal);
  process.off('SIGTERM', onLateSignal);
  return outcome.exitCode;
}

/** Opens the tmux viewport when it should be, saying in one line what happened; a failure only costs the view. */
async function openRunViewport(o: SessionOptions, say: (line: string) => void): Promise<Viewport | null> {
  const choice = chooseViewport({
    setting: o.loaded.config.loop.viewport, flag: o.tmux, detached: o.detached ?? false,
    terminal: Boolean((o.stdout as { isTTY?: boolean }).isTTY), installed: tmuxInstalled(),
  });
  if (!choice.open) {
    say(choice.note);
    return null;
  }
  try {
    const viewport = await openViewport({ loaded: o.loaded, runId: o.runId, mode: o.mode, keep: choice.keep });
    say(viewportNote(o.loaded, viewport.session, o.runId, taskRoles(o.loaded.config)[0]?.name));
    return viewport;
  } catch (error) {
    say(`viewport: could not open the tmux session (${error instanceof Error ? error.message : String(error)}); running headless`);
    return null;
  }
}
