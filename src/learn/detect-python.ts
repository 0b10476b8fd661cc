/**
 * Python. The project's own entry points come first: tox envs and nox sessions. Then what it
 * configures: pytest settings (pyproject, pytest.ini, setup.cfg, tox.ini, conftest.py, or pytest as a
 * declared dependency) give `pytest`; ruff, flake8 and black configs give lint and format. uv.lock /
 * poetry.lock / requirements files give the installer, which also runs the tools (`uv run pytest`).
 */
import type { CommandKind, FoundCommand } from './types.js';
import { emptyDetection, lineAt, sourceAt, type Candidate, type Detection, type RepoView } from './repo-view.js';
import { readToml, tomlAt, tomlHeaderLine, tomlString, tomlStrings, tomlTable, type TomlTable, type TomlValue } from './toml.js';
import { iniList, parseIni, type IniDocument } from './ini.js';
import { readToxConfig, toxCandidates, SUITE_NAMES } from './tox.js';
import { PYTHON_FRAMEWORKS, lookupFrameworks } from './frameworks.js';
import { distributionName } from '../util/python-names.js';

const MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'pytest.ini', 'tox.ini', 'tox.toml', 'noxfile.py', 'uv.lock', 'poetry.lock', 'conftest.py'];

/** requirements.txt, requirements-dev.txt, dev-requirements.txt, … at the root. */
const REQUIREMENTS = /^(?:requirements[\w.-]*|[\w-]*requirements)\.txt$/;

interface Pyproject {
  doc: TomlTable;
  text: string;
}

interface PythonFiles {
  pyproject: Pyproject | undefined;
  pytestIni: IniDocument | undefined;
  setupCfg: IniDocument | undefined;
  toxIni: IniDocument | undefined;
  requirements: string[];
}

/** What a package manager puts in front of a tool it installed (`uv run pytest`); pip installs onto PATH. */
export function pythonRunPrefix(manager: string | undefined): string {
  return manager === 'uv' || manager === 'poetry' ? `${manager} run ` : '';
}

export function detectPython(repo: RepoView): Detection | null {
  const requirements = repo.shallow.filter((path) => REQUIREMENTS.test(path)).sort(byRequirementsOrder);
  if (!MARKERS.some((file) => repo.has(file)) && requirements.length === 0) return null;
  const detection = emptyDetection();
  const files: PythonFiles = {
    pyproject: readPyproject(repo, detection.notes),
    pytestIni: readIni(repo, 'pytest.ini'),
    setupCfg: readIni(repo, 'setup.cfg'),
    toxIni: readIni(repo, 'tox.ini'),
    requirements,
  };
  const doc = files.pyproject?.doc;
  detection.name = tomlString(tomlAt(doc, 'project.name')) ?? tomlString(tomlAt(doc, 'tool.poetry.name'));

  const manager = repo.has('uv.lock') ? 'uv' : repo.has('poetry.lock') || tomlAt(doc, 'tool.poetry') !== undefined ? 'poetry' : 'pip';
  detection.packageManager = manager;
  const run = pythonRunPrefix(manager);
  const install = installCommand(repo, manager, files);
  if (install) detection.candidates.push({ kind: 'install', origin: 'config', ...install });

  const tox = readToxConfig(repo, files);
  if (tox) detection.candidates.push(...toxCandidates(tox, run));
  detection.candidates.push(...noxCandidates(repo, run));

  const dependencies = dependencyNames(repo, files);
  const pytest = pytestSource(repo, files, dependencies);
  if (pytest) {
    detection.candidates.push({ kind: 'test', origin: 'config', command: `${run}pytest`, source: pytest.source });
    detection.testPatterns.push(...pytest.patterns);
  }
  detection.candidates.push(...lintAndFormat(repo, files, run));
  detection.frameworks = lookupFrameworks(dependencies, PYTHON_FRAMEWORKS);
  return detection;
}

/** Ruff or flake8 for lint, ruff format or black for format, each only when configured. */
function lintAndFormat(repo: RepoView, files: PythonFiles, run: string): Candidate[] {
  const pyproject = files.pyproject;
  const configured = (table: string): string | undefined => {
    if (pyproject === undefined || tomlAt(pyproject.doc, table) === undefined) return undefined;
    return sourceAt('pyproject.toml', tomlHeaderLine(pyproject.text, table), `[${table}]`);
  };
  const iniSource = (doc: IniDocument | undefined, file: string, section: string): string | undefined => {
    const found = doc?.get(section);
    return found ? sourceAt(file, found.line, `[${section}]`) : undefined;
  };
  const candidates: Candidate[] = [];
  const ruff = configured('tool.ruff') ?? ['ruff.toml', '.ruff.toml'].find((file) => repo.has(file));
  const flake8 = repo.has('.flake8') ? '.flake8' : iniSource(files.setupCfg, 'setup.cfg', 'flake8') ?? iniSource(files.toxIni, 'tox.ini', 'flake8');
  if (ruff) candidates.push({ kind: 'lint', origin: 'config', command: `${run}ruff check .`, source: ruff });
  else if (flake8) candidates.push({ kind: 'lint', origin: 'config', command: `${run}flake8`, source: flake8 });
  const ruffFormat = configured('tool.ruff.format');
  const black = configured('tool.black');
  if (ruffFormat) candidates.push({ kind: 'format', origin: 'config', command: `${run}ruff format --check .`, source: ruffFormat });
  else if (black) candidates.push({ kind: 'format', origin: 'config', command: `${run}black --check .`, source: black });
  return candidates;
}

/** nox sessions named like a test suite, a linter or a formatter (`@nox.session` over `def tests(session)`). */
function noxCandidates(repo: RepoView, run: string): Candidate[] {
  const text = repo.read('noxfile.py');
  if (text === undefined) return [];
  const sessions = new Map<string, number>();
  for (const match of text.matchAll(/@nox\.session\b(\([^)]*\))?\s*\n\s*def\s+(\w+)/g)) {
    const name = /\bname\s*=\s*["']([^"']+)["']/.exec(match[1] ?? '')?.[1] ?? match[2]!;
    if (!sessions.has(name)) sessions.set(name, lineAt(text, match.index));
  }
  const candidates: Candidate[] = [];
  for (const [kind, names] of SUITE_NAMES) {
    const name = names.find((candidate) => sessions.has(candidate));
    if (name) candidates.push(noxCandidate(kind, ` -s ${name}`, sessions.get(name), `session ${name}`, run));
  }
  if (!candidates.some((candidate) => candidate.kind === 'test')) {
    candidates.push(noxCandidate('test', '', undefined, sessions.size > 0 ? `sessions ${[...sessions.keys()].join(', ')}` : undefined, run));
  }
  return candidates;
}

function noxCandidate(kind: CommandKind, args: string, line: number | undefined, what: string | undefined, run: string): Candidate {
  return { kind, origin: 'entry', command: `${run}nox${args}`, source: sourceAt('noxfile.py', line, what) };
}

function readPyproject(repo: RepoView, notes: string[]): Pyproject | undefined {
  const text = repo.read('pyproject.toml');
  if (text === undefined) return undefined;
  const read = readToml(text);
  if (read.ok) return { doc: read.doc, text };
  notes.push(`pyproject.toml${read.line === null ? '' : ` line ${read.line}`} is not valid TOML (${read.message}); its settings were not used.`);
  return undefined;
}

function readIni(repo: RepoView, path: string): IniDocument | undefined {
  const text = repo.read(path);
  return text === undefined ? undefined : parseIni(text);
}

/** requirements.txt first, then the dev/test files that add to it. */
function byRequirementsOrder(a: string, b: string): number {
  return (a === 'requirements.txt' ? 0 : 1) - (b === 'requirements.txt' ? 0 : 1) || a.localeCompare(b);
}

function installCommand(repo: RepoView, manager: string, files: PythonFiles): FoundCommand | undefined {
  if (manager === 'uv') return { command: 'uv sync', source: 'uv.lock' };
  if (manager === 'poetry') return { command: 'poetry install', source: repo.has('poetry.lock') ? 'poetry.lock' : 'pyproject.toml [tool.poetry]' };
  const installable = files.requirements.filter((path) => !/docs?/.test(path));
  if (installable.length > 0) {
    return { command: `pip install ${installable.map((path) => `-r ${path}`).join(' ')}`, source: installable.join(', ') };
  }
  const buildSystem = tomlAt(files.pyproject?.doc, 'build-system');
  if (buildSystem !== undefined || repo.has('setup.py')) {
    const extras = Object.keys(optionalDependencies(files.pyproject?.doc));
    const extra = ['test', 'tests', 'dev'].find((name) => extras.includes(name));
    return {
      command: extra ? `pip install -e '.[${extra}]'` : 'pip install -e .',
      source: buildSystem !== undefined ? 'pyproject.toml [build-system]' : 'setup.py',
    };
  }
  return undefined;
}

function pytestSource(repo: RepoView, files: PythonFiles, dependencies: string[]): { source: string; patterns: string[] } | undefined {
  const pyproject = files.pyproject;
  const fromPyproject = tomlTable(tomlAt(pyproject?.doc, 'tool.pytest.ini_options'));
  if (fromPyproject && pyproject) {
    const patterns = pytestPatterns(tomlStrings(fromPyproject['testpaths']), tomlStrings(fromPyproject['python_files']));
    return { source: sourceAt('pyproject.toml', tomlHeaderLine(pyproject.text, 'tool.pytest.ini_options'), '[tool.pytest.ini_options]'), patterns };
  }
  const iniSources: [IniDocument | undefined, string, string][] = [
    [files.pytestIni, 'pytest', 'pytest.ini'],
    [files.setupCfg, 'tool:pytest', 'setup.cfg'],
    [files.toxIni, 'pytest', 'tox.ini'],
  ];
  for (const [doc, section, file] of iniSources) {
    const options = doc?.get(section);
    if (options) {
      return { source: sourceAt(file, options.line, `[${section}]`), patterns: pytestPatterns(iniList(options.get('testpaths')), iniList(options.get('python_files'))) };
    }
  }
  if (repo.has('pytest.ini')) return { source: 'pytest.ini', patterns: [] };
  const conftest = repo.files.find((path) => path === 'conftest.py' || path.endsWith('/conftest.py'));
  if (conftest) return { source: conftest, patterns: [] };
  if (dependencies.includes('pytest')) return { source: 'pytest is a declared dependency', patterns: [] };
  return undefined;
}

/** pytest's testpaths are folders and python_files are file-name globs. */
function pytestPatterns(testpaths: string[], pythonFiles: string[]): string[] {
  const dirs = testpaths
    .map((dir) => dir.replace(/^\.\//, '').replace(/\/+$/, ''))
    .filter((dir) => dir !== '' && dir !== '.')
    .map((dir) => `${dir}/**`);
  return [...dirs, ...pythonFiles];
}

/** `[project.optional-dependencies]`, as a table or inline under `[project]`. */
function optionalDependencies(doc: TomlTable | undefined): TomlTable {
  return tomlTable(tomlAt(doc, 'project.optional-dependencies')) ?? {};
}

function dependencyNames(repo: RepoView, files: PythonFiles): string[] {
  const doc = files.pyproject?.doc;
  const specs: string[] = [];
  specs.push(...tomlStrings(tomlAt(doc, 'project.dependencies')));
  for (const group of Object.values(optionalDependencies(doc))) specs.push(...tomlStrings(group));
  for (const group of Object.values(tomlTable(tomlAt(doc, 'dependency-groups')) ?? {})) specs.push(...tomlStrings(group));
  const poetry = tomlTable(tomlAt(doc, 'tool.poetry'));
  const poetryTables: (TomlValue | undefined)[] = [
    poetry?.['dependencies'], poetry?.['dev-dependencies'],
    ...Object.values(tomlTable(poetry?.['group']) ?? {}).map((group) => tomlTable(group)?.['dependencies']),
  ];
  for (const table of poetryTables) specs.push(...Object.keys(tomlTable(table) ?? {}));
  for (const path of files.requirements) specs.push(...(repo.read(path) ?? '').split(/\r?\n/));
  return [...new Set(specs.map(distributionName).filter((name): name is string => name !== undefined))];
}
