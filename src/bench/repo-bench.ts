/**
 * `loop bench --repo PATH`: what the user's own repository costs loop, with no agent and no spend.
 * In worktree slots under $LOOP_HOME (never the user's checkout): creating a slot, its setup (e.g.
 * `npm ci`, paid once per run and lockfile), re-pointing it, the real test command a few times (wall and CPU),
 * then k suites at once in k slots for each k of --parallel: how many suites per minute this
 * machine finishes. The knee of that curve is how many changes the gate can test at once, which
 * bounds a useful maxParallel. The slots are removed at the end.
 */
import { rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { resolveSha, repoInfo } from '../git/repo.js';
import { SlotPool, type Slot } from '../git/slots.js';
import { runTests } from '../gate/test-runner.js';
import { learnProject } from '../learn/learn.js';
import { projectCommands } from '../run/project-commands.js';
import { UserError } from '../util/errors.js';
import { loopHome } from '../util/paths.js';
import { percentile } from '../util/stats.js';
import { recommend, type Knee } from './measure.js';
import { reapedChildrenCpuMs } from './proc-sample.js';

export interface SuiteRun {
  wallMs: number;
  cpuMs: number | null;
  status: string;
}

export interface RepoBenchReport {
  kind: 'repo';
  createdAt: string;
  machine: { cores: number; loadAverage: number[]; node: string };
  repo: string;
  testCommand: string;
  setupCommand: string | null;
  slot: { createMs: number; firstPointMs: number; setupRan: boolean; repointMs: number };
  suite: { runs: SuiteRun[]; wallP50Ms: number; coresUsed: number | null };
  parallel: { parallel: number; wallMs: number; suitesPerMinute: number; statuses: string[] }[];
  recommendation: Knee | null;
  cleanup: { removed: number; archived: string[] };
}

const TEST_TIMEOUT_MS = 30 * 60_000;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

export async function benchRepository(options: { path: string; tests: string | null; parallel: number[]; rounds: number; log: (line: string) => void; machine: RepoBenchReport['machine'] }): Promise<RepoBenchReport> {
  const info = await repoInfo(options.path).catch(() => null);
  if (!info) throw new UserError(`${options.path} is not inside a git repository; loop bench --repo measures a repository's own test suite`);
  if (info.head === null) throw new UserError(`${info.toplevel} has no commits yet; commit once so a worktree has something to check out`);
  const repo = info.toplevel;
  // The commands a run would use: this repository's entry in a loop config beside it, else learned.
  const loaded = await loadConfig({ cwd: repo }).catch(() => null);
  const entry = loaded?.repositories.find((r) => r.path === repo);
  const commands = entry
    ? projectCommands(entry, loaded!.config.loop, await learnProject(repo))
    : projectCommands({ name: 'repo', path: repo, protectedBranches: [], copyFiles: [], implicit: true }, {}, await learnProject(repo));
  const testCommand = options.tests ?? commands.test?.command ?? null;
  if (!testCommand) throw new UserError(`no test command found in ${repo} (none configured, none learned); pass --tests "<command>"`);
  const setupCommand = commands.setup?.command ?? null;
  const runId = `bench-${Date.now().toString(36)}`;
  const pool = new SlotPool({ repo, runId, home: loopHome(), setupCommand, copyFiles: [], onLog: () => {} });
  const head = { sha: await resolveSha(repo, 'HEAD'), branch: null };
  const logDir = join(tmpdir(), `loop-${runId}`);
  const suite = async (slot: Slot, n: number): Promise<SuiteRun> => {
    const run = await runTests({ cwd: slot.path, command: testCommand, timeoutMs: TEST_TIMEOUT_MS, logFile: join(logDir, `${slot.id}.${n}.log`) });
    return { wallMs: run.durationMs, cpuMs: null, status: run.status };
  };
  try {
    options.log(`slot: creating a worktree of ${repo}${setupCommand ? ` and running setup "${setupCommand}"` : ''}…`);
    const created = await timed(() => pool.acquire('task'));
    const first = await timed(() => pool.pointAt(created.value, head));
    const repoint = await timed(() => pool.pointAt(created.value, head));
    const runs: SuiteRun[] = [];
    for (let n = 1; n <= options.rounds; n++) {
      options.log(`suite: "${testCommand}", run ${n} of ${options.rounds}…`);
      const before = reapedChildrenCpuMs();
      const run = await suite(created.value, n);
      const after = reapedChildrenCpuMs();
      runs.push({ ...run, cpuMs: before === null || after === null ? null : after - before });
    }
    const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== null);
    const wallP50Ms = percentile(runs.map((r) => r.wallMs), 50);
    const parallel: RepoBenchReport['parallel'] = [];
    const slots: Slot[] = [created.value];
    for (const k of options.parallel) {
      while (slots.length < k) {
        options.log(`slot ${slots.length + 1}: creating${setupCommand ? ` and copying in the setup output` : ''}…`);
        const slot = await pool.acquire('task');
        await pool.pointAt(slot, head);
        slots.push(slot);
      }
      options.log(`${k} suite${k === 1 ? '' : 's'} at once…`);
      const batch = await timed(() => Promise.all(slots.slice(0, k).map((slot) => suite(slot, 100 + k))));
      parallel.push({ parallel: k, wallMs: batch.ms, suitesPerMinute: (k / batch.ms) * 60_000, statuses: batch.value.map((r) => r.status) });
    }
    const knee = recommend(parallel.map((p) => ({ parallel: p.parallel, tasksPerSecond: p.suitesPerMinute / 60 })));
    const recommendation = knee && {
      parallel: knee.parallel,
      reason: `the gate finishes the most suites per minute with about ${knee.parallel} at once (${parallel.map((p) => `${p.parallel}: ${p.suitesPerMinute.toFixed(1)}/min`).join(', ')}); more tasks in parallel than that wait for the tests`,
    };
    return {
      kind: 'repo',
      createdAt: new Date().toISOString(),
      machine: options.machine,
      repo,
      testCommand,
      setupCommand,
      slot: { createMs: created.ms, firstPointMs: first.ms, setupRan: first.value.setupRan, repointMs: repoint.ms },
      suite: { runs, wallP50Ms, coresUsed: cpu.length === runs.length && cpu.length > 0 ? percentile(cpu, 50) / wallP50Ms : null },
      parallel,
      recommendation,
      cleanup: { removed: 0, archived: [] },
    };
  } finally {
    const disposed = await pool.dispose().catch(() => ({ removed: [], archived: [] }));
    rmSync(logDir, { recursive: true, force: true });
    if (disposed.archived.length > 0) options.log(`the suite left files in its slots; they are pinned at ${disposed.archived.join(', ')} (git update-ref -d <ref> drops one)`);
  }
}

export function repoTable(report: RepoBenchReport): string {
  const ms = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
  const lines = [
    `repository ${report.repo}`,
    `  test command         ${report.testCommand}`,
    `  setup command        ${report.setupCommand ?? '(none)'}`,
    `  new slot             ${ms(report.slot.createMs)} (worktree) + ${ms(report.slot.firstPointMs)} (check out${report.slot.setupRan ? ' and setup, once per run and lockfile' : ''})`,
    `  re-point a slot      ${ms(report.slot.repointMs)}`,
    `  suite                ${report.suite.runs.map((r) => `${ms(r.wallMs)} ${r.status}`).join(', ')}; p50 ${ms(report.suite.wallP50Ms)}${report.suite.coresUsed === null ? '' : `, using ${report.suite.coresUsed.toFixed(2)} of ${report.machine.cores} cores`}`,
    '',
    '  suites at once   wall        suites/min',
    ...report.parallel.map((p) => `  ${String(p.parallel).padEnd(15)}  ${ms(p.wallMs).padEnd(10)}  ${p.suitesPerMinute.toFixed(1)}${p.statuses.every((s) => s === report.suite.runs[0]?.status) ? '' : `  (${p.statuses.join(', ')})`}`),
    '',
    report.recommendation ? `recommended maxParallel: ${report.recommendation.parallel} — ${report.recommendation.reason}.` : 'no recommendation',
  ];
  return `${lines.join('\n')}\n`;
}

export const machineInfo = (loadAverage: number[]): RepoBenchReport['machine'] => ({ cores: cpus().length, loadAverage, node: process.version });
