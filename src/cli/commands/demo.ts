/** `loop demo`: a full `--execute` run of examples/sandbox on the built-in sim agents, in a scratch repository. */
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { excludeStateDir } from '../../config/git-exclude.js';
import { git, LOOP_COMMIT_ENV } from '../../git/git.js';
import { runShell } from '../../git/shell.js';
import { UserError } from '../../util/errors.js';
import { packageRoot } from '../../util/package-root.js';
import { makeRunFolders, preflight } from '../../run/prepare.js';
import { runSession } from '../../run/session.js';
import { withDashboard } from '../dashboard-child.js';

const DEFAULT_GOAL = 'Add subtract(a,b) and multiply(a,b) to math.js, each with a test';

export class DemoCommand extends LoopCommand {
  static override paths = [['demo']];
  static override usage = Command.Usage({
    description: 'run the sandbox example end to end with the built-in sim agents (free, no API keys)',
    details: `
      Copies examples/sandbox into a fresh git repository, then runs \`loop run --execute\` there with the sim team of examples/sandbox/loop.sim.yaml: real worktrees, the gate running \`npm test\`, an independent critic, the merge queue, and the landing on main. The sim agents follow the scripts in loop.sim.yaml: one engineer adds subtract(a,b), the other multiply(a,b), each with a test file, and the run ends with main's suite passing with the new tests. Nothing is spent. In a terminal with tmux, the run opens its viewport (one pane per role) and says how to attach.

      The scratch repository is kept so you can look at the result (\`git log --graph\`, \`.loop/runs/demo/\`).
    `,
    examples: [
      ['Run the demo in a temp folder', '$0 demo'],
      ['Run it in a folder of your choice', '$0 demo --dir ./loop-demo'],
      ['Watch it in the browser (the URL is printed first)', '$0 demo --dashboard'],
    ],
  });

  dir = Option.String('--dir', { description: 'empty or new folder for the scratch repository (default: a new temp folder)' });
  goal = Option.String('--goal', DEFAULT_GOAL, { description: 'the goal to give the sim team' });
  dashboard = Option.Boolean('--dashboard', false, { description: 'serve the live dashboard while the demo runs and print its URL' });
  tmux = Option.Boolean('--tmux', { description: 'open the tmux viewport even without a terminal; --no-tmux: never' });

  async run(): Promise<number> {
    const source = join(packageRoot(), 'examples', 'sandbox');
    const target = this.dir ? resolve(this.dir) : mkdtempSync(join(tmpdir(), 'loop-demo-'));
    if (existsSync(target) && readdirSync(target).length > 0) throw new UserError(`--dir ${target} is not empty; pick a new or empty folder`);
    cpSync(source, target, { recursive: true });
    await git(target, ['init', '-q', '-b', 'main']);
    await excludeStateDir(target);
    await git(target, ['add', '-A']);
    await git(target, ['-c', 'commit.gpgSign=false', 'commit', '-q', '-m', 'sandbox: add(a,b) with tests'], { env: LOOP_COMMIT_ENV });
    this.context.stdout.write(`demo repository: ${target} (a copy of examples/sandbox on branch main)\n`);
    const loaded = await loadConfig({ cwd: target, configFile: join(target, 'loop.sim.yaml') });
    await preflight(loaded, 'execute', false);
    const paths = makeRunFolders(loaded, 'demo');
    const say = (line: string): void => void this.context.stdout.write(`${line}\n`);
    const base = await git(target, ['rev-parse', 'HEAD']);
    const code = await withDashboard(this.dashboard, { loaded, runId: 'demo', say }, () =>
      runSession({ loaded, runId: 'demo', paths, mode: 'execute', goal: this.goal, plan: null, existing: null, json: false, stdout: this.context.stdout, stderr: this.context.stderr, tmux: this.tmux }));
    if (code === 0) this.context.stdout.write(`\n${await suiteOnMain(target, base)}\n`);
    this.context.stdout.write(`\nlook at it: git -C ${target} log --oneline --graph --all    board: ${paths.events}\n`);
    this.context.stdout.write(`see it again: loop dashboard -c ${loaded.file}    or: loop monitor -c ${loaded.file}\n`);
    return code;
  }
}

/** The sandbox's suite on main after landing, in one line: what the team's new tests added. */
async function suiteOnMain(repo: string, base: string): Promise<string> {
  const result = await runShell({ cwd: repo, command: 'npm test', timeoutMs: 120_000 });
  const count = (name: string): number | null => {
    const found = new RegExp(`^# ${name} (\\d+)$`, 'm').exec(result.output);
    return found ? Number(found[1]) : null;
  };
  const added = (await git(repo, ['diff', '--name-only', '--diff-filter=A', base, 'HEAD', '--', 'test'])).split('\n').filter(Boolean);
  const verdict = result.exitCode === 0 ? 'passes' : `FAILS (exit ${result.exitCode})`;
  return `main's suite after landing: npm test ${verdict} · ${count('tests') ?? '?'} tests, ${count('pass') ?? '?'} passed, ${count('fail') ?? '?'} failed · new test files: ${added.join(', ') || 'none'}`;
}
