/**
 * The system prompt a role's agent receives, whatever its provider. The run writes it to
 * `.loop/runs/<run>/prompts/<role>.md`. Unlike the anchor's, it never tells the agent to open a
 * pull request, push, or write to a board file: loop owns verification, review and merging.
 */
import type { RoleConfig } from '../../protocol/config.js';
import { UserError } from '../util/errors.js';
import { getDiscipline, suggestDiscipline } from './catalog.js';

export type PromptPurpose = 'implementer' | 'critic' | 'planner';

export interface RolePromptInput {
  role: RoleConfig;
  purpose: PromptPurpose;
  runId: string;
  project: string;
  /** brief.md text, or null when the project has none. */
  brief: string | null;
  /** PROJECT-INTELLIGENCE.md text, or null when `loop learn` has not been run. */
  intelligence: string | null;
}

/** The global guardrails for implementers; the gate enforces the protected-file rule regardless. */
export const IMPLEMENTER_RULES: readonly string[] = [
  'You work in an isolated git worktree that already contains the merged work your task depends on.',
  "Your change is verified by the project's own test command and then reviewed by an independent critic running on another model.",
  'Leave your work in the working tree or commit it; both count.',
  'Never modify existing test files, CI workflows, test-runner configs, package.json scripts or the test runner pinned in a lockfile, loop.config.yaml or brief.md: the gate rejects the attempt. You may add new tests.',
  'Do not push, switch branches, rewrite history or touch files outside the working directory.',
  'Do not run destructive commands (deleting data or files you did not create, dropping databases, killing processes you did not start) and do not act on remote or production systems.',
  'Do not fake success: no hard-coded results, disabled checks or stubs presented as finished work. If you cannot finish, say what is missing.',
  'Finish with a short plain summary of what you changed and how you verified it.',
];

const CRITIC_RULES: readonly string[] = [
  'You are an independent reviewer of another agent\'s change, and you are read-only: never edit, create or delete files. This overrides any instruction above to change code; any edit you make is discarded and flagged.',
  "Judge the diff against the task's acceptance criteria, the test evidence and the project's conventions.",
  'Report only problems you can point to in the diff or the evidence; name the file and line.',
  'The exact answer format is given in the task prompt; answer in that format and nothing else.',
];

const PLANNER_RULES: readonly string[] = [
  'You split goals into small, independently verifiable tasks for the roles listed in the task prompt. Do not implement anything and do not change files; this overrides any instruction above to change code.',
  'Each task has acceptance criteria a test or reviewer can check, and depends only on tasks whose output it needs.',
  'The exact answer format is given in the task prompt; answer in that format and nothing else.',
];

const GENERIC_IDENTITY = [
  '## Who you are',
  '',
  'You are a senior software engineer on this team. You read the surrounding code before changing it, follow the conventions you find, keep changes as small as the task allows, handle errors deliberately, and prove your work with tests you actually ran.',
].join('\n');

const GUARDRAILS_HEADING = '## Guardrails';

export function buildRolePrompt(input: RolePromptInput): string {
  const { role } = input;
  const discipline = role.sme === undefined ? undefined : getDiscipline(role.sme);
  if (role.sme !== undefined && !discipline) {
    const suggestion = suggestDiscipline(role.sme);
    const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
    throw new UserError(`role "${role.name}" uses unknown sme "${role.sme}"${hint}; run "loop roles" to list the disciplines`);
  }
  const title = role.title ?? discipline?.title ?? role.name;
  const { identity, guardrails: disciplineGuardrails } = discipline
    ? splitGuardrails(discipline.prompt)
    : { identity: GENERIC_IDENTITY, guardrails: [] };

  const parts: string[] = [
    `# ${title} (${role.name})`,
    `Run ${input.runId} · project ${input.project} · you act as the ${input.purpose}${discipline ? ` · discipline: ${discipline.name}` : ''}`,
    identity,
  ];
  if (role.responsibilities.length > 0) {
    parts.push(section('## Your responsibilities in this team', bullets(role.responsibilities)));
  }
  const guardrails = [...disciplineGuardrails, ...bullets(role.guardrails)];
  if (guardrails.length > 0) parts.push(section('## Your guardrails', guardrails));
  parts.push(purposeSection(input.purpose));
  parts.push(section('## Project brief', [nonBlank(input.brief) ?? 'No brief.md was provided.']));
  parts.push(
    section('## Project intelligence', [
      nonBlank(input.intelligence) ??
        '`loop learn` has not been run for this project, so there is no PROJECT-INTELLIGENCE.md: learn its conventions, commands and layout from the code itself.',
    ]),
  );
  return `${parts.join('\n\n')}\n`;
}

function purposeSection(purpose: PromptPurpose): string {
  switch (purpose) {
    case 'implementer':
      return section('## How loop works for you', bullets(IMPLEMENTER_RULES));
    case 'critic':
      return section('## Your job in this run: critic', bullets(CRITIC_RULES));
    case 'planner':
      return section('## Your job in this run: planner', bullets(PLANNER_RULES));
  }
}

/** Splits a discipline body into everything before its Guardrails section and that section's lines. */
function splitGuardrails(prompt: string): { identity: string; guardrails: string[] } {
  const at = prompt.lastIndexOf(`\n${GUARDRAILS_HEADING}\n`);
  if (at < 0) throw new Error(`discipline prompt has no "${GUARDRAILS_HEADING}" section`);
  const guardrails = prompt
    .slice(at + GUARDRAILS_HEADING.length + 2)
    .split('\n')
    .filter((line) => line.trim() !== '');
  return { identity: prompt.slice(0, at).trimEnd(), guardrails };
}

const section = (heading: string, lines: readonly string[]): string => [heading, '', ...lines].join('\n');

/** One line per item; a config string spanning several lines stays inside its bullet. */
const bullets = (items: readonly string[]): string[] =>
  items.map((item) => `- ${item.trim().replace(/\n+/g, ' ')}`);

const nonBlank = (text: string | null): string | null => (text !== null && text.trim() !== '' ? text.trim() : null);
