/** `loop clean`: remove what crashed or finished runs left behind, archiving unmerged work first. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { UserError } from '../../util/errors.js';
import { loopHome } from '../../util/paths.js';
import { repoInfo } from '../../git/repo.js';
import { findLeftovers } from '../../git/cleanup.js';
import { cleanLeftovers, readRunState, type RunCleanReport } from '../../git/clean-leftovers.js';

export class CleanCommand extends LoopCommand {
  static override paths = [[`clean`]];
  static override usage = Command.Usage({
    description: 'remove the worktrees and branches that crashed or finished runs left behind',
    details: `
      Looks for loop's worktree slots of this repository under \`$LOOP_HOME\` and its \`loop/<run>/*\` branches.
      Runs that are still running are skipped. Before anything is removed, uncommitted work in a slot is
      committed onto \`refs/loop/archive/<run>/<slot>-uncommitted\`, and every branch whose work is not in
      your branch is copied to \`refs/loop/archive/<run>/<name>\`. Restore one with
      \`git branch <name> refs/loop/archive/<run>/<name>\`.

      Your own checkout is never touched.
    `,
    examples: [
      [`Show what would be removed, change nothing`, `loop clean --dry-run`],
      [`Clean up one run`, `loop clean --run 20250101-ab12`],
      [`Clean up everything and print a JSON report`, `loop clean --json`],
    ],
  });

  runId = Option.String('--run', { description: 'only this run id' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'report what would be archived and removed; change nothing' });
  json = Option.Boolean('--json', false, { description: 'print a JSON report' });

  async run(): Promise<number> {
    if (this.runId !== undefined && !/^[A-Za-z0-9._-]+$/.test(this.runId)) throw new UserError(`--run "${this.runId}" is not a run id (letters, digits, ".", "-", "_")`);
    const cwd = process.cwd();
    const info = await repoInfo(cwd);
    const all = await findLeftovers(info.toplevel, loopHome(this.context.env));
    const selected = this.runId === undefined ? all : all.filter((found) => found.runId === this.runId);

    const reports: RunCleanReport[] = [];
    for (const leftovers of selected) {
      const state = readRunState([...new Set([cwd, info.toplevel])], leftovers.runId);
      reports.push(await cleanLeftovers({ repo: info.toplevel, leftovers, state, dryRun: this.dryRun }));
    }

    if (this.json) {
      this.context.stdout.write(`${JSON.stringify({ repo: info.toplevel, dryRun: this.dryRun, runs: reports }, null, 2)}\n`);
      return 0;
    }
    this.context.stdout.write(formatReports(reports, { dryRun: this.dryRun, run: this.runId }));
    return 0;
  }
}

export function formatReports(reports: RunCleanReport[], options: { dryRun: boolean; run: string | undefined }): string {
  if (reports.length === 0) {
    return options.run === undefined ? 'Nothing to clean: no worktrees or loop/* branches left by any run.\n' : `Nothing left by run ${options.run}.\n`;
  }
  const would = options.dryRun ? 'would ' : '';
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`Run ${report.runId}${report.skipped ? `: skipped, ${report.skipped}` : ''}`);
    if (report.skipped) continue;
    for (const archive of report.archived) lines.push(`  ${would}archive   ${archive.from} → ${archive.ref}`);
    for (const path of report.removedWorktrees) lines.push(`  ${would}remove    worktree ${path}`);
    if (report.removedSetupCache !== undefined) lines.push(`  ${would}remove    setup cache ${report.removedSetupCache}`);
    for (const branch of report.deletedBranches) lines.push(`  ${would}delete    branch ${branch}`);
    for (const branch of report.keptBranches) lines.push(`  kept      branch ${branch} (checked out in a worktree)`);
    for (const path of report.leftInPlace) lines.push(`  left      ${path} (not a worktree loop can archive; inspect it and delete it by hand)`);
  }
  const archives = reports.flatMap((report) => report.archived);
  if (archives.length > 0) {
    const example = archives[0]!.ref;
    const name = example.slice(example.lastIndexOf('/') + 1);
    lines.push('', `Restore an archive as a branch with: git branch <name> <archive ref>   e.g. git branch ${name} ${example}`);
    lines.push('List all archives with: git for-each-ref refs/loop/archive/');
  }
  if (options.dryRun) lines.push('', 'Dry run: nothing was changed.');
  return `${lines.join('\n')}\n`;
}
