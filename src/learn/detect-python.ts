/**
 * Python: pytest configuration (pyproject, pytest.ini, setup.cfg, tox.ini, conftest.py, or pytest
 * as a declared dependency) gives the test command; uv.lock / poetry.lock / requirements files give
 * the installer, which also prefixes the tools (`uv run pytest`). Ruff, flake8 and black configs
 * give lint and format.
 */
import type { FoundCommand } from './types.js';
import { emptyDetection, type Detection, type RepoView } from './repo-view.js';
import { parseToml, tomlString, tomlStrings, tomlTable, type TomlDocument, type TomlValue } from './toml.js';
import { iniList, parseIni, type IniDocument } from './ini.js';
import { PYTHON_FRAMEWORKS, lookupFrameworks } from './frameworks.js';

const MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'pytest.ini', 'tox.ini', 'uv.lock', 'poetry.lock', 'conftest.py'];

/** requirements.txt, requirements-dev.txt, dev-requirements.txt, … at the root. */
const REQUIREMENTS = /^(?:requirements[\w.-]*|[\w-]*requirements)\.txt$/;

interface PythonFiles {
  pyproject: TomlDocument | undefined;
  pytestIni: IniDocument | undefined;
  setupCfg: IniDocument | undefined;
  toxIni: IniDocument | undefined;
  requirements: string[];
}

export function detectPython(repo: RepoView): Detection | null {
  const requirements = repo.shallow.filter((path) => REQUIREMENTS.test(path)).sort(byRequirementsOrder);
  if (!MARKERS.some((file) => repo.has(file)) && requirements.length === 0) return null;
  const detection = emptyDetection();
  const files: PythonFiles = {
    pyproject: readToml(repo, 'pyproject.toml', detection.notes),
    pytestIni: readIni(repo, 'pytest.ini'),
    setupCfg: readIni(repo, 'setup.cfg'),
    toxIni: readIni(repo, 'tox.ini'),
    requirements,
  };
  const table = (name: string) => files.pyproject?.tables.get(name);
  detection.name = tomlString(table('project')?.['name']) ?? tomlString(table('tool.poetry')?.['name']);

  const manager = repo.has('uv.lock') ? 'uv' : repo.has('poetry.lock') || table('tool.poetry') ? 'poetry' : 'pip';
  detection.packageManager = manager;
  const run = manager === 'pip' ? '' : `${manager} run `;
  const install = installCommand(repo, manager, files);
  if (install) detection.commands.install = install;

  const dependencies = dependencyNames(repo, files);
  const pytest = pytestSource(repo, files, dependencies);
  if (pytest) {
    detection.commands.test = { command: `${run}pytest`, source: pytest.source };
    detection.testPatterns.push(...pytest.patterns);
  } else if (files.toxIni?.has('tox')) {
    detection.commands.test = { command: `${run}tox`, source: 'tox.ini [tox]' };
  } else if (repo.has('noxfile.py')) {
    detection.commands.test = { command: `${run}nox`, source: 'noxfile.py' };
  }

  Object.assign(detection.commands, lintAndFormat(repo, files, run));
  detection.frameworks = lookupFrameworks(dependencies, PYTHON_FRAMEWORKS);
  return detection;
}

/** Ruff or flake8 for lint, ruff format or black for format, each only when configured. */
function lintAndFormat(repo: RepoView, files: PythonFiles, run: string): Detection['commands'] {
  const tables = [...(files.pyproject?.tables.keys() ?? [])];
  const hasTable = (prefix: string) => tables.some((name) => name === prefix || name.startsWith(`${prefix}.`));
  const commands: Detection['commands'] = {};
  const ruff = hasTable('tool.ruff') ? 'pyproject.toml [tool.ruff]' : ['ruff.toml', '.ruff.toml'].find((file) => repo.has(file));
  const flake8 = repo.has('.flake8')
    ? '.flake8'
    : files.setupCfg?.has('flake8') ? 'setup.cfg [flake8]' : files.toxIni?.has('flake8') ? 'tox.ini [flake8]' : undefined;
  if (ruff) commands.lint = { command: `${run}ruff check .`, source: ruff };
  else if (flake8) commands.lint = { command: `${run}flake8`, source: flake8 };
  if (hasTable('tool.ruff.format')) {
    commands.format = { command: `${run}ruff format --check .`, source: 'pyproject.toml [tool.ruff.format]' };
  } else if (hasTable('tool.black')) {
    commands.format = { command: `${run}black --check .`, source: 'pyproject.toml [tool.black]' };
  }
  return commands;
}

function readToml(repo: RepoView, path: string, notes: string[]): TomlDocument | undefined {
  const text = repo.read(path);
  if (text === undefined) return undefined;
  const doc = parseToml(text);
  const first = doc.errors[0];
  if (first) notes.push(`${path} line ${first.line}: ${first.message}; that entry was skipped.`);
  return doc;
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
  const buildSystem = files.pyproject?.tables.get('build-system');
  if (buildSystem || repo.has('setup.py')) {
    const extras = Object.keys(optionalDependencies(files.pyproject));
    const extra = ['test', 'tests', 'dev'].find((name) => extras.includes(name));
    return {
      command: extra ? `pip install -e '.[${extra}]'` : 'pip install -e .',
      source: buildSystem ? 'pyproject.toml [build-system]' : 'setup.py',
    };
  }
  return undefined;
}

function pytestSource(repo: RepoView, files: PythonFiles, dependencies: string[]): { source: string; patterns: string[] } | undefined {
  const fromPyproject = files.pyproject?.tables.get('tool.pytest.ini_options');
  if (fromPyproject) {
    const patterns = pytestPatterns(tomlStrings(fromPyproject['testpaths']), tomlStrings(fromPyproject['python_files']));
    return { source: 'pyproject.toml [tool.pytest.ini_options]', patterns };
  }
  const iniSources: [IniDocument | undefined, string, string][] = [
    [files.pytestIni, 'pytest', 'pytest.ini'],
    [files.setupCfg, 'tool:pytest', 'setup.cfg [tool:pytest]'],
    [files.toxIni, 'pytest', 'tox.ini [pytest]'],
  ];
  for (const [doc, section, source] of iniSources) {
    const options = doc?.get(section);
    if (options) return { source, patterns: pytestPatterns(iniList(options.get('testpaths')), iniList(options.get('python_files'))) };
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

/** `[project.optional-dependencies]`, written as its own table or inline under `[project]`. */
function optionalDependencies(pyproject: TomlDocument | undefined): Record<string, TomlValue> {
  const inline = tomlTable(pyproject?.tables.get('project')?.['optional-dependencies']);
  return inline ?? pyproject?.tables.get('project.optional-dependencies') ?? {};
}

function dependencyNames(repo: RepoView, files: PythonFiles): string[] {
  const specs: string[] = [];
  const tables = files.pyproject?.tables;
  const project = tables?.get('project');
  specs.push(...tomlStrings(project?.['dependencies']));
  for (const group of Object.values(optionalDependencies(files.pyproject))) specs.push(...tomlStrings(group));
  for (const group of Object.values(tables?.get('dependency-groups') ?? {})) specs.push(...tomlStrings(group));
  for (const [name, table] of tables ?? []) {
    if (/^tool\.poetry(?:\.group\.[^.]+)?\.(?:dev-)?dependencies$/.test(name)) specs.push(...Object.keys(table));
  }
  for (const path of files.requirements) specs.push(...(repo.read(path) ?? '').split(/\r?\n/));
  return [...new Set(specs.map(distributionName).filter((name): name is string => name !== undefined))];
}

/** "Django>=4.2 ; python_version>'3.8'" → "django" (PEP 503 normalisation). */
function distributionName(spec: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return match && !spec.trimStart().startsWith('-') ? match[1]!.toLowerCase().replace(/[._]+/g, '-') : undefined;
}
