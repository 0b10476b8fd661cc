/**
 * What the CI runs, for test, build, lint and format: weaker than what the project defines and
 * configures itself, stronger than a toolchain's standard command. Workflows whose names suggest
 * checks (ci, test, build, check, lint) are read first, then the rest alphabetically; within a
 * file, the first command of each kind wins.
 */
import type { CommandKind } from './types.js';
import { emptyDetection, sourceAt, type Detection, type RepoView } from './repo-view.js';
import { githubWorkflowCommands, gitlabCiCommands, type CiParse } from './ci-commands.js';
import { classifyScriptCommand } from './ci-classify.js';

/** Installs in CI set up a CI machine (caches, global tools), not a worktree: never the setup command. */
const CI_KINDS: ReadonlySet<CommandKind> = new Set(['test', 'build', 'lint', 'format']);
const CHECK_WORKFLOW = /(?:^|[-_.])(?:ci|tests?|build|checks?|lint|main|pr|pull[-_]request)(?:[-_.]|$)/i;

export function workflowOrder(paths: readonly string[]): string[] {
  const rank = (path: string) => (CHECK_WORKFLOW.test(path.slice(path.lastIndexOf('/') + 1)) ? 0 : 1);
  return [...paths].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function detectCi(repo: RepoView): Detection | null {
  const workflows = workflowOrder(repo.shallow.filter((path) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)));
  const sources: [string, (text: string) => CiParse][] = [
    ...workflows.map((path): [string, (text: string) => CiParse] => [path, githubWorkflowCommands]),
    ...(repo.has('.gitlab-ci.yml') ? [['.gitlab-ci.yml', gitlabCiCommands] as [string, (text: string) => CiParse]] : []),
  ];
  if (sources.length === 0) return null;
  const detection = emptyDetection();
  const seen = new Set<CommandKind>();
  for (const [path, parse] of sources) {
    const text = repo.read(path);
    if (text === undefined) continue;
    const parsed = parse(text);
    if (!parsed.ok) {
      detection.notes.push(`${path} could not be read as YAML (${parsed.error}); its commands were not used.`);
      continue;
    }
    for (const { command, job, line } of parsed.commands) {
      const kind = classifyScriptCommand(command);
      if (kind === null || !CI_KINDS.has(kind) || seen.has(kind)) continue;
      seen.add(kind);
      detection.candidates.push({ kind, origin: 'ci', command, source: sourceAt(path, line, `job ${job}`) });
    }
  }
  return detection;
}
