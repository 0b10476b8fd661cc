/**
 * One repository as a run sees it in execute mode: its integration branch, its pool of worktree
 * slots, the test and setup commands learned from it, and the files agents may not touch.
 * Everything git-mutating goes through src/git, which serializes per repository.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { LoopConfig, ProtectedSpec } from '../../protocol/index.js';
import { suitesSideBySide } from '../../actors/gate-tests.js';
import type { ResolvedRepository } from '../config/load.js';
import { ensureIntegrationBranch, integrationRefName } from '../git/integration.js';
import { refSha } from '../git/repo.js';
import { buildProtectedSpec } from '../gate/grader-files.js';
import { cleanupRun } from '../git/cleanup.js';
import { SetupError, SlotPool, type Slot } from '../git/slots.js';
import { learnProject } from '../learn/learn.js';
import { renderIntelligence } from '../learn/render.js';
import type { FoundCommand, ProjectIntelligence } from '../learn/types.js';
import { UserError } from '../util/errors.js';
import { agentCommands } from './agent-commands.js';
import { describeMissing, missingPrograms, overrideKeys, projectCommands, type ProjectCommand } from './project-commands.js';

export interface RepoWorkspace {
  repo: ResolvedRepository;
  integration: { ref: string; branch: string; baseSha: string };
  pool: SlotPool;
  testCommand: string | null;
  setupCommand: string | null;
  /** The project's own commands its agents may run without asking (their CLI's allow-list). */
  agentCommands: FoundCommand[];
  protected: ProtectedSpec;
  intelligence: ProjectIntelligence;
  /** Rendered PROJECT-INTELLIGENCE.md text (the user's own file when it exists). */
  intelligenceText: string;
  /** Held for the whole run: the gate's own slots, where merge trains and base commits are tested. */
  gateSlots: Slot[];
}

export interface OpenWorkspaceOptions {
  repo: ResolvedRepository;
  config: LoopConfig;
  configFile: string;
  configDir: string;
  runId: string;
  home: string;
  /** The run's logs folder: a failed setup's log is kept there. */
  logsDir: string;
  onLog: (line: string) => void;
  /** Task slots to make ahead of need, beside the gate's slots and the setup (the first tasks' slots). */
  prewarmTaskSlots?: number;
}

export async function openWorkspace(o: OpenWorkspaceOptions): Promise<RepoWorkspace> {
  const intelligence = await learnProject(o.repo.path);
  const commands = projectCommands(o.repo, o.config.loop, intelligence);
  // Before any branch, slot or provider call: a command this machine cannot run is a usage error.
  const missing = missingPrograms(commands, process.env, o.repo.path);
  if (missing.length > 0) throw new UserError(missing.map((m) => describeMissing(o.repo, m)).join('\n'));
  const testCommand = commands.test?.command ?? null;
  const setupCommand = commands.setup?.command ?? null;
  const resumed = (await refSha(o.repo.path, integrationRefName(o.runId))) !== null;
  const integration = await ensureIntegrationBranch(o.repo.path, o.runId, o.repo.defaultBranch ? { branch: o.repo.defaultBranch } : {});
  const pool = new SlotPool({
    repo: o.repo.path, runId: o.runId, home: o.home, setupCommand, copyFiles: o.repo.copyFiles, onLog: o.onLog,
    maxTaskSlots: taskSlotLimit(o.config),
  });
  const inRepo = (file: string): string | null => {
    const rel = relative(o.repo.path, isAbsolute(file) ? file : join(o.configDir, file));
    return rel.startsWith('..') || isAbsolute(rel) ? null : rel;
  };
  const spec = buildProtectedSpec({
    testGlobs: intelligence.testPatterns,
    extraLocked: o.config.loop.protectedPaths,
    testCommand,
    configFile: inRepo(o.configFile),
    briefFile: inRepo(o.config.brief),
    intelligenceFile: inRepo(join(o.repo.path, o.config.intelligence)),
  });
  const userFile = join(o.repo.path, o.config.intelligence);
  const intelligenceText = existsSync(userFile) ? readFileSync(userFile, 'utf8') : renderIntelligence(intelligence);
  // They run setup once here; later the gate checks out what it tests and keeps only the setup
  // output among ignored files (src/git/slot-state.ts).
  const gateSlots: Slot[] = [];
  // made while the gate's slots are made and the setup runs, not after them (their checkouts no
  // longer wait for each other)
  if (o.prewarmTaskSlots) pool.prewarm('task', o.prewarmTaskSlots);
  try {
    for (let i = 0; i < gateSlotCount(o.config); i++) gateSlots.push(await pool.acquire('scratch'));
    await Promise.all(gateSlots.map((slot) => pool.pointAt(slot, { sha: integration.headSha, branch: null })));
  } catch (error) {
    if (!(error instanceof SetupError)) {
      // the slots made ahead of time would outlive a run that never started
      await pool.dispose().catch(() => undefined);
      throw error;
    }
    // The first slots of the run: nothing is spent yet, and every task would fail the same way.
    throw await setupRefused(o, commands.setup!, error, pool, resumed ? null : integration.branch);
  }
  return {
    repo: o.repo, integration, pool, testCommand, setupCommand, agentCommands: agentCommands(testCommand, intelligence), protected: spec,
    intelligence, intelligenceText, gateSlots,
  };
}

/**
 * Task slots per repository: one for each agent that may run and one for the change it just
 * finished (still captured, tested in its slot or read by a critic), so a role moves on to its next
 * task without waiting; past that a task waits for a slot rather than paying a new checkout.
 */
export function taskSlotLimit(config: LoopConfig): number {
  return 2 * config.loop.maxParallel;
}

/**
 * The gate's slots: `loop.gate.testSlots`, else one per two cores (a suite usually uses more than
 * one core itself). More slots let the probes of a red train run in parallel.
 */
export function gateSlotCount(config: LoopConfig): number {
  return config.loop.gate.testSlots ?? suitesSideBySide();
}

/**
 * A setup that fails in the run's first slots is the machine's environment, not a task: its log is
 * kept in the run folder, the slots are removed (and the integration branch just created for it;
 * a resumed run keeps its branches), and the run stops before any provider call with one line
 * naming the command and the keys that override it.
 */
async function setupRefused(o: OpenWorkspaceOptions, setup: ProjectCommand, error: SetupError, pool: SlotPool, freshTarget: string | null): Promise<UserError> {
  const log = join(o.logsDir, `setup-${o.repo.name}.log`);
  try {
    copyFileSync(error.logFile, log);
  } catch {
    writeFileSync(log, error.log);
  }
  await pool.dispose();
  if (freshTarget !== null) await cleanupRun({ repo: o.repo.path, runId: o.runId, targetBranch: freshTarget, keepIntegration: false });
  const how = error.timedOut ? 'timed out' : `exited with ${error.exitCode ?? 'a signal'}`;
  const last = error.log.trim().split('\n').map((line) => line.trim()).filter(Boolean).pop();
  return new UserError(
    `repository ${o.repo.name}: the setup command "${setup.command}" (${setup.origin}) ${how} in a new worktree slot${last ? ` ("${last.slice(0, 160)}")` : ''}; this is the machine's environment, not a task: fix it, or set ${overrideKeys('setup', o.repo)} in the loop config (log: ${log})`,
  );
}

export const taskBranch = (runId: string, taskId: string): string => `loop/${runId}/${taskId}`;
