/**
 * `loop.land: pr`: push the integration branch to the repository's remote and open a pull request
 * into the target branch with the GitHub CLI, its title and body taken from the goal and the task
 * list. Without `gh` or a remote, say exactly what is missing and the commands that do it by hand.
 */
import { writeFileSync } from 'node:fs';
import { findExecutable } from '../auth/executable.js';
import type { RunView } from '../board/view.js';
import { quote } from '../git/integration.js';
import { landingRemote, pushBranch } from '../git/remote.js';
import { exec } from '../util/exec.js';

const GH_TIMEOUT_MS = 2 * 60_000;
const TITLE_MAX = 72;

export interface PullRequestText {
  title: string;
  body: string;
}

/** Title: the goal's first line. Body: the goal, then what is in the pull request and what is not. */
export function pullRequestText(o: { runId: string; goal: string; view: RunView; tasks: readonly string[]; integration: string }): PullRequestText {
  const first = o.goal.trim().split('\n')[0]!.trim();
  const title = first.length <= TITLE_MAX ? first : `${first.slice(0, TITLE_MAX - 1).trimEnd()}…`;
  const line = (id: string): string => {
    const task = o.view.tasks[id]!;
    const state = task.status === 'merged'
      ? (task.mergedSha ? task.mergedSha.slice(0, 7) : 'merged')
      : `${task.status}${task.reason ? `: ${task.reason}` : task.status === 'planned' || task.status === 'ready' ? ' (not started)' : ''}`;
    return `- \`${id}\` ${task.title} (${task.role}) — ${state}`;
  };
  const included = new Set(o.tasks);
  const left = o.view.order.filter((id) => !included.has(id));
  const body = [
    o.goal.trim(),
    '',
    `Opened by \`loop\` (run \`${o.runId}\`). Every change below passed the project's tests and an independent review before it merged onto \`${o.integration}\`.`,
    '',
    '## In this pull request',
    ...(o.tasks.length > 0 ? o.tasks.map(line) : ['- (none)']),
    ...(left.length > 0 ? ['', '## Not in it', ...left.map(line)] : []),
    '',
  ].join('\n');
  return { title, body };
}

export type PullRequestResult = { ok: true; url: string } | { ok: false; reason: string; command: string };

export async function openPullRequest(o: {
  repo: string;
  branch: string;
  integration: string;
  text: PullRequestText;
  /** Where the body is written for `gh --body-file` (kept with the run). */
  bodyFile: string;
  env: NodeJS.ProcessEnv;
}): Promise<PullRequestResult> {
  const gh = findExecutable('gh', o.env, o.repo);
  const remote = await landingRemote(o.repo, o.branch);
  const byHand = `git -C ${quote(o.repo)} push ${quote(remote ?? 'origin')} ${quote(o.integration)} && gh pr create --base ${quote(o.branch)} --head ${quote(o.integration)} --fill`;
  const missing = [
    ...(gh === null ? ['the GitHub CLI `gh` is not on PATH (https://cli.github.com)'] : []),
    ...(remote === null ? [`${o.repo} has no git remote to push to (git remote add origin <url>)`] : []),
  ];
  if (gh === null || remote === null) {
    return { ok: false, reason: `loop.land is "pr" but ${missing.join(' and ')}; the work is on ${o.integration}`, command: byHand };
  }
  const pushed = await pushBranch(o.repo, remote, o.integration);
  if (!pushed.ok) return { ok: false, reason: `git push to ${remote} failed: ${pushed.error}`, command: byHand };
  writeFileSync(o.bodyFile, o.text.body);
  const created = await exec(gh, ['pr', 'create', '--base', o.branch, '--head', o.integration, '--title', o.text.title, '--body-file', o.bodyFile], {
    cwd: o.repo,
    env: { ...o.env, GH_PROMPT_DISABLED: '1', NO_COLOR: '1' },
    timeoutMs: GH_TIMEOUT_MS,
  });
  const command = `gh pr create --base ${quote(o.branch)} --head ${quote(o.integration)} --title ${quote(o.text.title)} --body-file ${quote(o.bodyFile)}`;
  if (created.code !== 0) {
    const why = created.timedOut ? `timed out after ${GH_TIMEOUT_MS / 1000} s` : firstLine(created.stderr) || firstLine(created.stdout) || `exit ${created.code}`;
    return { ok: false, reason: `pushed ${o.integration} to ${remote}, but gh pr create failed: ${why}`, command };
  }
  const url = created.stdout.split('\n').map((l) => l.trim()).filter((l) => /^https?:\/\/\S+$/.test(l)).pop();
  if (url === undefined) return { ok: false, reason: `pushed ${o.integration} to ${remote}, but gh pr create printed no pull request URL`, command };
  return { ok: true, url };
}

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? '';
