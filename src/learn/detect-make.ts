/**
 * Make: a root Makefile's conventional targets become `make <target>` commands, the project's own
 * entry points. With autotools (configure.ac) the Makefiles are generated, so the targets are read
 * from Makefile.am/Makefile.in instead, `make check` is the test suite when a Makefile.am declares
 * tests, and the configure step is the setup command a fresh checkout needs.
 */
import type { CommandKind } from './types.js';
import { emptyDetection, lineAt, sourceAt, type Candidate, type Detection, type RepoView } from './repo-view.js';
import { makeIncludes, parseMakeRules, type MakeRule } from './makefile.js';

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile']; // GNU make's lookup order

/** Target names per command, preferred first. `install` installs the product, so it is not among them. */
const TARGETS: readonly [CommandKind, readonly string[]][] = [
  ['test', ['test', 'check', 'tests', 'unit', 'test-unit', 'unittest']],
  ['build', ['build', 'all', 'compile']],
  ['lint', ['lint', 'vet', 'staticcheck', 'check-style']],
  ['format', ['fmt', 'format', 'fmt-check', 'format-check', 'check-format']],
  ['install', ['deps', 'install-deps', 'install_deps', 'setup', 'bootstrap']],
];
const CHECK_TARGETS = new Set(TARGETS.filter(([kind]) => kind === 'test' || kind === 'lint' || kind === 'format').flatMap(([, names]) => names));

export function detectMake(repo: RepoView): Detection | null {
  if (repo.has('configure.ac') || repo.has('configure.in')) return detectAutotools(repo);
  const makefile = MAKEFILES.find((file) => repo.has(file));
  const text = makefile ? repo.read(makefile) : undefined;
  if (makefile === undefined || text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'make';
  // One level of literal includes (Makefile.common, common.mk): targets defined there are targets of this Makefile.
  const files: [string, string][] = [[makefile, text]];
  for (const path of makeIncludes(text)) {
    const included = repo.read(path);
    if (included !== undefined) files.push([path, included]);
  }
  const rules = new Map<string, { rule: MakeRule; file: string }>();
  for (const [file, content] of files) {
    for (const rule of parseMakeRules(content)) if (!rules.has(rule.name)) rules.set(rule.name, { rule, file });
  }
  for (const [kind, names] of TARGETS) {
    const found = names.map((name) => rules.get(name)).find((entry) => entry !== undefined && isTargetFor(kind, entry.rule));
    if (found) detection.candidates.push(targetCandidate(kind, found.rule, found.file));
  }
  return detection;
}

/** `all` is a build only when it does not just run the checks (`all: test` in many Go Makefiles). */
function isTargetFor(kind: CommandKind, rule: MakeRule): boolean {
  if (kind !== 'build' || rule.name !== 'all') return true;
  return !rule.prerequisites.some((name) => CHECK_TARGETS.has(name));
}

function targetCandidate(kind: CommandKind, rule: MakeRule, file: string): Candidate {
  return {
    kind,
    command: `make ${rule.name}`,
    source: sourceAt(file, rule.line, `target ${rule.name}`),
    // A setup command must not rewrite tracked files (`go get` in a deps target does): a lockfile's installer wins.
    origin: kind === 'install' ? 'fallback' : 'entry',
  };
}

function detectAutotools(repo: RepoView): Detection {
  const detection = emptyDetection();
  detection.packageManager = 'make';
  const configureAc = repo.has('configure.ac') ? 'configure.ac' : 'configure.in';
  const committedConfigure = repo.has('configure');
  detection.candidates.push({
    kind: 'install',
    command: committedConfigure ? './configure' : 'autoreconf -fi && ./configure',
    source: sourceAt(configureAc, undefined, 'autotools: the Makefiles are generated'),
    origin: 'config',
  });
  detection.candidates.push({ kind: 'build', command: 'make', source: sourceAt(configureAc, undefined, 'autotools'), origin: 'entry' });
  const tests = declaredTests(repo);
  if (tests) detection.candidates.push({ kind: 'test', command: 'make check', source: tests, origin: 'entry' });
  // Custom targets of the root Makefile.am (or a hand-written Makefile.in) are entry points like any Makefile's.
  const template = ['Makefile.am', 'Makefile.in'].find((file) => repo.has(file));
  const text = template ? repo.read(template) : undefined;
  if (template && text !== undefined) {
    const rules = new Map(parseMakeRules(text).map((rule) => [rule.name, rule]));
    for (const [kind, names] of TARGETS) {
      if (kind === 'install' || kind === 'build') continue;
      const rule = names.map((name) => rules.get(name)).find((entry) => entry !== undefined);
      if (rule && !(kind === 'test' && tests)) detection.candidates.push(targetCandidate(kind, rule, template));
    }
  }
  return detection;
}

/** Where a Makefile.am declares tests (`TESTS =`, `check_PROGRAMS =`): automake's `check` target runs them. */
function declaredTests(repo: RepoView): string | undefined {
  const makefiles = repo.files.filter((path) => path === 'Makefile.am' || path.endsWith('/Makefile.am')).sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  for (const path of makefiles) {
    const text = repo.read(path);
    const match = text === undefined ? null : /^(?:TESTS|check_PROGRAMS|check_SCRIPTS)\s*\+?=/m.exec(text);
    if (text !== undefined && match) return sourceAt(path, lineAt(text, match.index), `${match[0].replace(/\s*\+?=$/, '')}; automake's check target`);
  }
  return undefined;
}

function depth(path: string): number {
  return path.split('/').length;
}

