/** `loop bench`: sweep maxParallel over the real pipeline on sim agents, or measure your own repository's tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { excludeStateDir } from '../../config/git-exclude.js';
import { parseLatency, parseParallel, parseTests, positiveInt, type SweepSettings } from '../../bench/options.js';
import { recommend } from '../../bench/measure.js';
import { benchRepository, machineInfo, repoTable } from '../../bench/repo-bench.js';
import { sweepHtml, sweepTable, type SweepReport } from '../../bench/report.js';
import { runSetting, type SettingResult } from '../../bench/sweep.js';

export class BenchCommand extends LoopCommand {
  static override paths = [['bench']];
  static override usage = Command.Usage({
    description: 'measure how parallel to run on this machine: a sweep of the real pipeline on sim agents, or your repository\'s own tests',
    details: `
      Without --repo: for each maxParallel in --parallel, generates a git repository (--repo-files files and a test suite), and runs \`loop run --execute\` on it with sim agents (no keys, no spend): --tasks independent tasks over --roles roles, agents that take --latency, a suite that takes --tests. Per setting it reports the makespan, the critical-path bound and their ratio, tasks/s, suite runs per merged task, the time of each stage (slot, agent, gate, critic, merge, merge-queue wait) at p50/p99 from the board's timestamps, and the CPU and memory of the supervisor and the actors. It recommends a maxParallel at the knee of the throughput curve and says why. The JSON and an HTML page with a chart of the sweep are written to --out.

      With --repo PATH: measures that repository with its real test command (configured, learned, or --tests), no agents and no spend: a new worktree slot and its setup, re-pointing a slot, the suite's time and CPU, and how many suites per minute finish with 1, 2, 4… running at once, in slots under $LOOP_HOME that are removed afterwards.
    `,
    examples: [
      ['The default sweep (16 tasks, 4 roles, maxParallel 1,2,4,8)', '$0 bench'],
      ['Slow, skewed agents and a 2-second suite on a big repository', '$0 bench --latency lognormal:3s,0.6 --tests synthetic:2s --repo-files 5000'],
      ['Your own repository and its test suite', '$0 bench --repo .'],
      ['For a script', '$0 bench --parallel 1,2 --tasks 8 --json'],
    ],
  });

  tasks = Option.String('--tasks', { description: 'tasks per run (default 16)' });
  roles = Option.String('--roles', { description: 'roles the tasks are spread over (default 4)' });
  parallel = Option.String('--parallel', '1,2,4,8', { description: 'maxParallel values to sweep (with --repo: suites at once)' });
  latency = Option.String('--latency', 'fixed:1s', { description: 'agent time: fixed:DURATION or lognormal:MEDIAN,SIGMA' });
  tests = Option.String('--tests', { description: 'the suite: synthetic:DURATION (default synthetic:0.5s) or a command; with --repo, the command to measure' });
  repoFiles = Option.String('--repo-files', { description: 'files in the generated repository (default 200)' });
  repo = Option.String('--repo', { description: 'measure this repository\'s own tests instead (no agents, no spend)' });
  rounds = Option.String('--rounds', { description: 'with --repo: runs of the suite on its own (default 3)' });
  out = Option.String('--out', { description: 'folder for the JSON and the HTML chart (default .loop/bench)' });
  json = Option.Boolean('--json', false, { description: 'print the JSON report on stdout (progress goes to stderr)' });

  async run(): Promise<number> {
    const parallel = parseParallel(this.parallel);
    const machine = machineInfo(loadavg());
    const progressOut = this.context.stderr;
    const isTTY = Boolean((progressOut as { isTTY?: boolean }).isTTY);
    if (this.repo !== undefined) {
      const report = await benchRepository({
        path: resolve(this.repo), tests: this.tests ?? null, parallel, rounds: positiveInt(this.rounds, '--rounds', 3, 20),
        log: (line) => progressOut.write(`${line}\n`), machine,
      });
      const files = await this.#write(report, null);
      this.#print(report, repoTable(report), files);
      return 0;
    }
    const settings: SweepSettings = {
      tasks: positiveInt(this.tasks, '--tasks', 16, 1000),
      roles: positiveInt(this.roles, '--roles', 4, 64),
      parallel,
      latency: parseLatency(this.latency),
      tests: parseTests(this.tests ?? 'synthetic:0.5s'),
      repoFiles: positiveInt(this.repoFiles, '--repo-files', 200, 100_000),
    };
    const scratch = mkdtempSync(join(tmpdir(), 'loop-bench-'));
    const results: SettingResult[] = [];
    try {
      for (const [index, p] of parallel.entries()) {
        const bar = (merged: number): void => {
          const done = (index + merged / settings.tasks) / parallel.length;
          const filled = Math.round(done * 24);
          const line = `[${'#'.repeat(filled)}${'.'.repeat(24 - filled)}] maxParallel ${p} (${index + 1}/${parallel.length}) · ${merged}/${settings.tasks} merged`;
          if (isTTY) progressOut.write(`\r\x1b[K${line}`);
        };
        if (!isTTY) progressOut.write(`maxParallel ${p} (${index + 1}/${parallel.length}): running ${settings.tasks} tasks…\n`);
        bar(0);
        results.push(await runSetting(settings, p, scratch, cpus().length, bar));
      }
    } finally {
      if (isTTY) progressOut.write('\r\x1b[K');
      rmSync(scratch, { recursive: true, force: true });
    }
    const report: SweepReport = {
      kind: 'sweep',
      createdAt: new Date().toISOString(),
      machine,
      settings: { ...settings },
      results,
      recommendation: recommend(results.map((r) => ({ parallel: r.parallel, tasksPerSecond: r.tasksPerSecond }))),
    };
    const files = await this.#write(report, sweepHtml(report));
    this.#print(report, sweepTable(report), files);
    return 0;
  }

  async #write(report: object & { createdAt: string }, html: string | null): Promise<string[]> {
    const dir = resolve(this.out ?? join('.loop', 'bench'));
    mkdirSync(dir, { recursive: true });
    // A default folder inside a repository stays out of the user's git status.
    if (this.out === undefined) await excludeStateDir(process.cwd()).catch(() => undefined);
    const stem = join(dir, `bench-${report.createdAt.replace(/[:.]/g, '-')}`);
    writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
    if (html === null) return [`${stem}.json`];
    writeFileSync(`${stem}.html`, html);
    return [`${stem}.json`, `${stem}.html`];
  }

  #print(report: object, table: string, files: string[]): void {
    if (this.json) {
      this.context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      this.context.stderr.write(`written: ${files.join(', ')}\n`);
    } else {
      this.context.stdout.write(`${table}written: ${files.join(', ')}\n`);
    }
  }
}
