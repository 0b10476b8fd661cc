/**
 * The README's table of grader files, generated from the one list (grader-files.ts) and the
 * tamper rules' own constants, so the documentation cannot say something the gate does not do.
 * test/gate/grader-files.test.ts fails when README.md holds anything else between the markers.
 */
import { GRADER_GROUPS, PYTEST_SECTIONS, RUNNER_CONFIG_KEYS } from './grader-files.js';
import { RUNNER_MANIFESTS } from './runner-deps.js';

export const TABLE_BEGIN = '<!-- grader-files:begin (generated from src/gate/grader-files.ts by renderGraderTable; do not edit by hand) -->';
export const TABLE_END = '<!-- grader-files:end -->';

const code = (text: string): string => `\`${text}\``;
const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export function renderGraderTable(): string {
  const rows: [string, string, string][] = [];
  for (const group of GRADER_GROUPS) {
    const rule =
      group.id === 'tests'
        ? 'existing ones may not be modified, renamed or deleted (new ones may be added)'
        : group.id === 'runner-configs'
          ? 'may not be added, modified or deleted once the project has a test command'
          : 'may not be added, modified or deleted';
    rows.push([`${capital(group.title)}s`, group.globs.map(code).join(' '), `${rule}: ${group.why}`]);
  }
  rows.push(['`package.json` scripts and runner keys', `${code('scripts.*')} ${RUNNER_CONFIG_KEYS.map((key) => code(key)).join(' ')}`, 'compared as parsed values: formatting and other keys may change']);
  rows.push(['pytest sections', Object.keys(PYTEST_SECTIONS).map((file) => code(file)).join(' '), 'the `[tool.pytest…]` / `[tool:pytest]` section may not change; the rest of the file may']);
  rows.push(['Test-runner versions', RUNNER_MANIFESTS.map(code).join(' '), 'a test runner or runner plugin may not be added, removed or re-pinned (other dependencies may)']);
  rows.push(['Files the test command runs', '`Makefile` (for `make …`), `justfile` (for `just …`), `Taskfile.yml` (for `task …`), scripts named by path (`./scripts/test.sh`)', 'may not be added, modified or deleted']);
  rows.push(['Your `protectedPaths`', 'the globs in `loop.protectedPaths` (braces work: `{src/**,lib/**}`)', 'may not be added, modified or deleted']);
  const lines = ['| Grader files | Globs (no `/`: any depth; leading `/`: repository root) | Rule |', '|---|---|---|'];
  for (const [what, globs, rule] of rows) lines.push(`| ${what} | ${globs} | ${rule} |`);
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by the current table; null when the markers are missing. */
export function withGraderTable(readme: string): string | null {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin === -1 || end < begin) return null;
  return `${readme.slice(0, begin + TABLE_BEGIN.length)}\n${renderGraderTable()}\n${readme.slice(end)}`;
}
