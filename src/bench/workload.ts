/**
 * The workload `loop bench` sweeps: a generated git repository (N source files, a package.json and
 * a test suite), a team of sim agents and a plan of independent tasks, each writing its own file.
 * Every run of the suite appends a line to a counter file outside the repository, so the sweep
 * counts suite runs exactly, however the gate and the merge queue decide to run them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { shellQuote } from '../util/shell-quote.js';
import type { SweepSettings } from './options.js';

const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'loop bench', GIT_AUTHOR_EMAIL: 'bench@loop.invalid', GIT_COMMITTER_NAME: 'loop bench', GIT_COMMITTER_EMAIL: 'bench@loop.invalid' };

export interface Workload {
  repo: string;
  planFile: string;
  /** One line per suite run. */
  suiteLog: string;
}

/** Writes the repository into `dir` (new or empty) and commits it on `main`. */
export function generateWorkload(dir: string, settings: SweepSettings, parallel: number, suiteLog: string): Workload {
  const repo = join(dir, 'repo');
  const sources = Math.max(0, settings.repoFiles - 3);
  for (let i = 0; i < sources; i++) {
    const folder = join(repo, 'src', `mod${i % 50}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `file${i}.js`), `export const value${i} = ${i};\n// ${'x'.repeat(200)}\n`);
  }
  mkdirSync(join(repo, 'test'), { recursive: true });
  const synthetic = settings.tests.kind === 'synthetic' ? settings.tests.ms : 0;
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify({ name: 'loop-bench-repo', private: true, type: 'module', scripts: { test: 'node --test test/' } }, null, 2)}\n`);
  writeFileSync(join(repo, 'test', 'suite.test.js'), [
    "import { test } from 'node:test';",
    "import { appendFileSync } from 'node:fs';",
    '',
    `test('the bench suite (${synthetic} ms)', async () => {`,
    `  appendFileSync(${JSON.stringify(suiteLog)}, 'run\\n');`,
    `  await new Promise((resolve) => setTimeout(resolve, ${synthetic}));`,
    '});',
    '',
  ].join('\n'));
  const testCommand = settings.tests.kind === 'synthetic'
    ? 'node --test test/'
    : `echo run >> ${shellQuote(suiteLog)}; ${settings.tests.command}`;
  writeFileSync(join(repo, 'loop.config.yaml'), benchConfig(settings, parallel, testCommand));
  const git = (args: string[]): void => void execFileSync('git', args, { cwd: repo, env: { ...process.env, ...GIT_IDENTITY }, stdio: 'ignore' });
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['-c', 'commit.gpgSign=false', 'commit', '-q', '-m', `bench repository: ${settings.repoFiles} files`]);
  const planFile = join(dir, 'plan.yaml');
  writeFileSync(planFile, stringify({
    tasks: Array.from({ length: settings.tasks }, (_, i) => ({
      id: `t${i + 1}`,
      title: `Bench task ${i + 1}`,
      role: `r${(i % settings.roles) + 1}`,
      dependsOn: [],
      acceptance: ['the file exists'],
      files: [`work/t${i + 1}.md`],
    })),
  }));
  return { repo, planFile, suiteLog };
}

function benchConfig(settings: SweepSettings, parallel: number, testCommand: string): string {
  const latency = settings.latency.kind === 'fixed'
    ? { latencyMs: settings.latency.ms }
    : { latencyMs: settings.latency.medianMs, latencySigma: settings.latency.sigma };
  return stringify({
    version: 1,
    providers: {
      sim: { type: 'sim', sim: latency },
      'sim-critic': { type: 'sim' },
    },
    roles: [
      // Each role may run as many tasks as there are slots, so maxParallel alone is what the sweep varies.
      ...Array.from({ length: settings.roles }, (_, i) => ({ name: `r${i + 1}`, provider: 'sim', concurrency: parallel })),
      { name: 'qa', provider: 'sim-critic' },
    ],
    loop: { reviewer: 'qa', maxParallel: parallel, testCommand, setup: 'true' },
  });
}
