/**
 * The request prompts loop writes for agents: one per task attempt, one per review, one per plan.
 * Their first line is a marker (`# Task `, `# Review of task `, `# Plan request`) that tools and
 * test fakes can rely on. The role's system prompt (src/roles/prompt.ts) is delivered separately.
 */
import type { Failure, PlanRole } from '../../protocol/index.js';
import type { TaskView } from '../board/view.js';

export interface UpstreamSummary {
  id: string;
  role: string;
  title: string;
  sha?: string;
  summary: string;
}

export interface TaskPromptInput {
  task: TaskView;
  attempt: number;
  maxAttempts: number;
  goal: string;
  roleTitle: string;
  workdir: string | null;
  branch: string | null;
  testCommand: string | null;
  /** The project's own commands the agent's CLI allows without asking (its allow-list). */
  allowedCommands?: readonly string[];
  upstream: UpstreamSummary[];
  /** The failure this attempt must fix (repairs only). */
  failure: Failure | null;
  /** Whether the attempt continues from the previous attempt's work. */
  continuesPrevious: boolean;
}

export function taskPrompt(p: TaskPromptInput): string {
  const t = p.task;
  const lines = [
    `# Task ${t.id}: ${t.title}`,
    '',
    `Goal of the whole run: ${p.goal}`,
    `Your role: ${t.role} (${p.roleTitle})`,
    `Attempt ${p.attempt} of at most ${p.maxAttempts}.`,
    '',
    '## What to do',
    t.description?.trim() || t.title,
  ];
  if (t.acceptance.length > 0) lines.push('', '## Acceptance criteria (the critic checks each one)', ...t.acceptance.map((a) => `- ${a}`));
  if (t.files && t.files.length > 0) lines.push('', '## Files you are expected to touch', ...t.files.map((f) => `- ${f}`));
  if (p.upstream.length > 0) {
    lines.push('', '## Merged work this task builds on (already present in your working directory)');
    for (const u of p.upstream) lines.push(`- ${u.id} (${u.role}): ${u.title}${u.sha ? ` — merged as ${u.sha.slice(0, 7)}` : ''}${u.summary ? `. ${u.summary}` : ''}`);
  }
  if (p.failure) {
    lines.push(
      '',
      `## The previous attempt was not accepted: ${p.failure.summary}`,
      p.continuesPrevious
        ? 'Your working directory still holds that attempt\'s work. Here is the evidence, word for word:'
        : 'Your working directory was reset to the current merged code. Here is the evidence, word for word:',
      '',
      '```text',
      p.failure.evidence.trim(),
      '```',
      '',
      'Fix the root cause. Do not weaken, skip or delete tests or checks to get past this.',
    );
  }
  lines.push('', '## Rules');
  if (p.workdir) lines.push(`- Work only inside ${p.workdir}${p.branch ? ` (a git worktree on branch ${p.branch})` : ''}. Leave your changes in the working tree or commit them; both count.`);
  lines.push(
    p.testCommand
      ? `- loop runs \`${p.testCommand}\` on your change, then an independent critic reviews the diff. Run the tests yourself before you finish.`
      : '- An independent critic reviews your diff; the project has no test command, so verify your change another way.',
    ...(p.allowedCommands && p.allowedCommands.length > 0
      ? [`- You may run the project's own commands without asking: ${p.allowedCommands.map((c) => `\`${c}\``).join(', ')} (as written; more arguments may follow). Other shell commands may be refused.`]
      : []),
    '- Never modify existing test files, test-runner configuration, CI workflows, package.json scripts, loop.config.yaml or brief.md: the gate rejects the attempt. Adding new tests is welcome.',
    '- Do not push, switch branches or rewrite history. Do not run destructive commands.',
    '- Finish with a short plain summary of what you changed and how you checked it.',
  );
  return lines.join('\n') + '\n';
}

export interface ReviewPromptInput {
  task: TaskView;
  attempt: number;
  implementer: { role: string; provider: string };
  diff: string;
  testSummary: string;
  base: string | null;
  commit: string | null;
  /** Files the change touches (from the gate), to point out the ones a reviewer must weigh. */
  changedFiles?: readonly string[];
}

/** Lines that make a reviewer look twice: a changed `.gitignore` can slip files users keep out of git into the repository. */
export function reviewAttention(changedFiles: readonly string[]): string[] {
  const ignores = changedFiles.filter((file) => file === '.gitignore' || file.endsWith('/.gitignore'));
  if (ignores.length === 0) return [];
  return [
    `- This change edits ${ignores.join(', ')}. Files it stops ignoring can be committed, and once landed they replace files people keep out of git (such as .env or local settings). Check that every file it un-ignores belongs in the repository.`,
    '- Files it starts ignoring are never committed, merged or tested: check that the code does not need one of them (generated sources, config or data it reads).',
  ];
}

export const VERDICT_FORMAT =
  '{"verdict": "accept" | "reject", "reasons": ["..."], "notes": [{"criterion": "<an acceptance criterion>", "met": true, "note": "..."}]}';

export function reviewPrompt(p: ReviewPromptInput): string {
  const t = p.task;
  const criteria = t.acceptance.length > 0 ? t.acceptance.map((a, i) => `${i + 1}. ${a}`) : ['(none given: judge against the task title and description)'];
  return [
    `# Review of task ${t.id}: ${t.title}`,
    '',
    `You review, independently, a change another engineer made (role ${p.implementer.role}, provider ${p.implementer.provider}), attempt ${p.attempt}.`,
    '',
    '## The task',
    t.description?.trim() || t.title,
    '',
    '## Acceptance criteria',
    ...criteria,
    '',
    '## Test evidence (run by loop on this exact change, not reported by the author)',
    p.testSummary,
    '',
    ...withHeading('## Look closely', reviewAttention(p.changedFiles ?? [])),
    `## The change (git diff ${p.base ? p.base.slice(0, 12) : 'base'}..${p.commit ? p.commit.slice(0, 12) : 'change'})`,
    '```diff',
    p.diff.trim() || '(empty diff)',
    '```',
    '',
    '## Your answer',
    'Answer with only this JSON object, no prose before or after it:',
    VERDICT_FORMAT,
    'Give one note per acceptance criterion. Reject only for concrete problems, and make each reason say what is wrong and where, because your reasons are handed to the author word for word.',
    'Do not edit, create or delete any file: your copy is read-only and anything you change is discarded.',
  ].join('\n') + '\n';
}

const withHeading = (heading: string, lines: readonly string[]): string[] => (lines.length === 0 ? [] : [heading, ...lines, '']);

export const PLAN_FORMAT =
  '{"tasks": [{"id": "t1", "title": "...", "role": "<one of the roles above>", "dependsOn": [], "acceptance": ["..."], "files": ["src/api/users.ts", "test/api/**"], "description": "optional detail"}]}';

export function planPrompt(goal: string, roles: readonly PlanRole[], previousError: string | null): string {
  const lines = [
    '# Plan request',
    '',
    `Goal: ${goal}`,
    '',
    '## The team (give each task to exactly one of these roles)',
    ...roles.map((r) => `- ${r.name}: ${r.title}${r.responsibilities.length > 0 ? ` — ${r.responsibilities.join('; ')}` : ''}`),
    '',
    '## How to split the goal',
    '- Small tasks that one engineer can finish and that leave the test suite green on their own.',
    '- `dependsOn` lists the ids of tasks whose merged code this task needs; tasks without dependencies run in parallel.',
    '- Acceptance criteria must be concrete and checkable by a reviewer reading the diff and the test results.',
    '- `files` names what the task will create or change: paths or globs (`src/api/users.ts`, `src/api/**`, `*.md`; a folder ends with `/`). Tasks whose files overlap never run at the same time, so give every task its files, as narrow as you can, and split work so parallel tasks touch different files.',
    '- Ids are short: letters, digits, "-" or "_" (t1, t2, …).',
    '',
    '## Answer format',
    'Answer with only this JSON object, no prose before or after it:',
    PLAN_FORMAT,
  ];
  if (previousError) {
    lines.push('', '## Your previous answer was not a valid plan', previousError, 'Answer again with the corrected JSON only.');
  }
  return lines.join('\n') + '\n';
}
