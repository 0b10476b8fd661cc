/**
 * What a shell command line from a CI file does: installs dependencies, formats, lints, tests or
 * builds. Used only to pick the CI's own test/build/lint commands when no manifest names them, so
 * it errs towards "don't know" (null): a wrong guess would hand agents a command that is not the
 * project's test suite.
 */
export type CiCommandKind = 'install' | 'format' | 'lint' | 'test' | 'build';

/** Programs that move files around, print, or talk to services: never the project's own check. */
const NOISE = new Set([
  'echo', 'printf', 'cd', 'pushd', 'popd', 'export', 'set', 'unset', 'source', '.', 'mkdir', 'rm', 'cp', 'mv', 'ls',
  'cat', 'curl', 'wget', 'git', 'chmod', 'chown', 'tar', 'unzip', 'zip', 'docker', 'docker-compose', 'kubectl',
  'helm', 'aws', 'gcloud', 'az', 'gh', 'if', 'then', 'else', 'fi', 'for', 'while', 'do', 'done', 'case', 'esac',
  '[', '[[', 'test', 'exit', 'true', 'false', 'sleep', 'tee', 'env', 'ssh', 'scp', 'rsync', 'codecov', 'sed', 'awk',
  'grep', 'find', 'xargs', 'touch', 'ln', 'which', 'command', 'type', 'hash', 'ulimit', 'corepack', 'nvm', 'sdk',
  'rustup', 'pyenv', 'conda', 'choco', 'brew', 'apt', 'apt-get', 'yum', 'dnf', 'apk', 'pacman', 'snap',
]);

const INSTALL: readonly RegExp[] = [
  /^(?:npm|pnpm|yarn|bun)(?:\s+-\S+)*\s+(?:ci|install|i|add)\b/,
  /^yarn\s*$/,
  /^(?:python[0-9.]*\s+-m\s+)?pip[0-9.]*\s+install\b/,
  /^(?:uv\s+(?:sync|pip\s+install|venv|lock|add)|poetry\s+(?:install|lock|add)|pipenv\s+(?:install|sync))\b/,
  /^go\s+(?:mod|get|install)\b/,
  /^cargo\s+(?:fetch|install)\b/,
  /^(?:bundle|gem)\s+install\b|^bundle\s*$/,
  /^composer\s+install\b/,
  /^make\s+(?:install|deps|setup|bootstrap)\b/,
  /^(?:mvn|\.\/mvnw)\b.*\b(?:dependency:|install)\b/,
  /^dotnet\s+restore\b/,
];

/** Whole-command forms whose meaning a keyword alone would get wrong. */
const SPECIAL: readonly [RegExp, CiCommandKind][] = [
  [/^node\s+(?:.*\s)?--test\b/, 'test'],
  [/^make\s+(?:.*\s)?check\b/, 'test'],
  [/^(?:mvn|\.\/mvnw)\b.*\bverify\b/, 'test'],
  [/^(?:gradle|\.\/gradlew)\b.*\bcheck\b/, 'test'],
  [/^cargo\s+check\b/, 'build'],
];

/** Keyword rules, checked in this order against the command with its flags removed. */
const KEYWORDS: readonly [RegExp, CiCommandKind][] = [
  [/\b(?:format|fmt|prettier|black|gofmt|rustfmt|isort|clang-format)\b|\bspotless/, 'format'],
  [/\b(?:lint|eslint|tslint|ruff|flake8|pylint|mypy|golangci-lint|clippy|vet|shellcheck|stylelint|rubocop|biome|checkstyle|pmd|spotbugs|detekt)\b|\bktlint/, 'lint'],
  [/\b(?:test|tests|pytest|unittest|jest|vitest|mocha|ava|ctest|tox|nox|rspec|phpunit|karma)\b/, 'test'],
  [/\b(?:build|compile|tsc|make|cmake|ninja|webpack|rollup|esbuild|package|assemble|bazel)\b/, 'build'],
];

/** Strips `FOO=bar`, `sudo`, `time` and `timeout N` prefixes. */
function commandCore(command: string): string {
  let rest = command.trim();
  for (;;) {
    const prefix = /^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+|sudo\s+(?:-\S+\s+)*|time\s+|timeout\s+\S+\s+|xvfb-run\s+(?:-\S+\s+)*)/.exec(rest);
    if (!prefix) return rest;
    rest = rest.slice(prefix[0].length);
  }
}

export function classifyCiCommand(command: string): CiCommandKind | null {
  const core = commandCore(command);
  const program = core.split(/\s+/)[0] ?? '';
  if (INSTALL.some((pattern) => pattern.test(core))) return 'install';
  if (program === '' || NOISE.has(program) || program.startsWith('$')) return null;
  for (const [pattern, kind] of SPECIAL) if (pattern.test(core)) return kind;
  // Flags go (`eslint --format stylish` is not a formatter), their values stay (`python -m pytest`).
  const words = core.replace(/(^|\s)--?[A-Za-z][\w-]*(?:=\S*)?/g, ' ');
  for (const [pattern, kind] of KEYWORDS) if (pattern.test(words)) return kind;
  return null;
}

/**
 * A `run:`/`script:` block → the commands in it, one per logical line, each carrying the `cd`
 * that precedes it on the same line (`cd web && npm test` stays whole). Comments, blank lines and
 * lines with CI-only expansions (`${{ … }}`, `$CI_…`) are dropped: they cannot be run verbatim.
 */
export function splitScript(script: string): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const raw of script.split(/\r?\n/)) {
    const line = pending + raw.trim();
    if (line.endsWith('\\')) {
      pending = line.slice(0, -1).trimEnd() + ' ';
      continue;
    }
    pending = '';
    if (line === '' || line.startsWith('#') || /\$\{\{|\$\{?CI_/.test(line)) continue;
    let cdPrefix = '';
    for (const segment of line.split(/\s*&&\s*/)) {
      if (/^cd\s+\S+$/.test(segment)) cdPrefix += `${segment} && `;
      else if (segment !== '') commands.push(cdPrefix + segment);
    }
  }
  return commands;
}

/** Classifies the part after any leading `cd … &&`. */
export function classifyScriptCommand(command: string): CiCommandKind | null {
  return classifyCiCommand(command.replace(/^(?:cd\s+\S+\s*&&\s*)+/, ''));
}
