/**
 * The last resort for test, build and lint: what the CI runs. Workflows whose names suggest
 * checks (ci, test, build, check, lint) are read first, then the rest alphabetically.
 */
import type { CommandKind } from './types.js';
import { emptyDetection, type Detection, type RepoView } from './repo-view.js';
import { githubWorkflowCommands, gitlabCiCommands, type CiParse } from './ci-files.js';
import { classifyScriptCommand } from './ci-classify.js';

const FALLBACK_KINDS: ReadonlySet<CommandKind> = new Set(['test', 'build', 'lint']);
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
  for (const [path, parse] of sources) {
    const text = repo.read(path);
    if (text === undefined) continue;
    const parsed = parse(text);
    if (!parsed.ok) {
      detection.notes.push(`${path} could not be read as YAML (${parsed.error}); its commands were not used.`);
      continue;
    }
    for (const { command, job } of parsed.commands) {
      const kind = classifyScriptCommand(command);
      if (kind === null || !FALLBACK_KINDS.has(kind) || detection.commands[kind]) continue;
      detection.commands[kind] = { command, source: `${path} (job ${job})` };
    }
  }
  return detection;
}
