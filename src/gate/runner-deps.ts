/**
 * Test-runner entries of manifests and lockfiles, so the tamper guard can tell "bumped lodash"
 * (fine) from "downgraded jest" or "added a pytest plugin" (a route to a green suite that tests
 * nothing). Each reader maps an entry key to its content; two maps are compared key by key.
 * Pure functions over file contents.
 */
import { parse as parseYaml } from 'yaml';
import { readToml, tomlTable, type TomlTable, type TomlValue } from '../learn/toml.js';
import { distributionName } from '../util/python-names.js';

const RUNNER_EXACT = new Set([
  'jest', 'jest-cli', 'ts-jest', 'babel-jest', 'jest-circus', 'jest-jasmine2', 'vitest', 'mocha', 'ava', 'tap', 'node-tap',
  'tape', 'jasmine', 'jasmine-core', 'karma', '@playwright/test', 'playwright', 'cypress', 'uvu', 'node:test',
  // python (names normalized: lower case, "_" → "-")
  'pytest', 'nose', 'nose2', 'tox', 'nox', 'unittest2',
  // ruby, php
  'rspec', 'rspec-core', 'minitest', 'phpunit/phpunit',
]);
const RUNNER_PREFIXES = ['@jest/', 'jest-environment-', 'jest-runner', '@vitest/', '@ava/', 'karma-', 'mocha-', 'pytest-', 'rspec-'];

export function isTestRunner(name: string): boolean {
  const normalized = name.trim().toLowerCase().replace(/_/g, '-');
  return RUNNER_EXACT.has(normalized) || RUNNER_PREFIXES.some((prefix) => normalized.startsWith(prefix));
}

type Reader = (content: string) => Map<string, string>;

/** The manifests and lockfiles whose test-runner entries are read (for the README's grader table; each has a reader). */
export const RUNNER_MANIFESTS: readonly string[] = [
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'composer.json', 'composer.lock',
  'requirements*.txt', 'constraints*.txt', 'pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile', 'Pipfile.lock', 'poetry.lock', 'uv.lock',
  'pdm.lock', 'environment.yml', 'Gemfile', 'Gemfile.lock', 'Cargo.lock',
];

const LINE_FILES = /^(requirements.*\.(txt|in)|constraints.*\.txt|setup\.py|setup\.cfg|Gemfile|bun\.lock|environment\.ya?ml)$/;
const BLOCK_FILES = /^(yarn\.lock|Gemfile\.lock)$/;
/** TOML lockfiles: a `[[package]]` array of {name, version, …}. */
const TOML_LOCKS = /^(poetry\.lock|uv\.lock|pdm\.lock|Cargo\.lock)$/;
/** TOML manifests that declare dependencies in tables and arrays. */
const TOML_MANIFESTS = /^(pyproject\.toml|Pipfile)$/;

/** The reader for a file name, or null when the file holds no dependency declarations loop knows. */
export function runnerReader(fileName: string): Reader | null {
  if (fileName === 'package.json' || fileName === 'composer.json') return readPackageJson;
  if (fileName === 'package-lock.json' || fileName === 'npm-shrinkwrap.json') return readNpmLock;
  if (fileName === 'Pipfile.lock') return readPipfileLock;
  if (fileName === 'composer.lock') return readComposerLock;
  if (fileName === 'pnpm-lock.yaml') return readPnpmLock;
  if (TOML_LOCKS.test(fileName)) return readTomlLock;
  if (TOML_MANIFESTS.test(fileName)) return readTomlManifest;
  if (BLOCK_FILES.test(fileName)) return readBlocks;
  if (LINE_FILES.test(fileName)) return readLines;
  return null;
}

/** Keys whose entry was added, removed or changed. */
export function changedEntries(before: Map<string, string>, after: Map<string, string>): { key: string; before?: string; after?: string }[] {
  const changes: { key: string; before?: string; after?: string }[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    if (a === b) continue;
    changes.push({ key, ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) });
  }
  return changes.sort((x, y) => x.key.localeCompare(y.key));
}

const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'require', 'require-dev'];

function readPackageJson(content: string): Map<string, string> {
  const found = new Map<string, string>();
  const json = parseJsonObject(content);
  for (const section of DEPENDENCY_SECTIONS) collectNamed(found, section, json[section]);
  // overrides can pin a runner anywhere in the tree
  collectDeep(found, 'overrides', json['overrides']);
  collectDeep(found, 'resolutions', json['resolutions']);
  const pnpm = json['pnpm'];
  if (isObject(pnpm)) collectDeep(found, 'pnpm.overrides', pnpm['overrides']);
  return found;
}

function readNpmLock(content: string): Map<string, string> {
  const found = new Map<string, string>();
  const json = parseJsonObject(content);
  const packages = json['packages'];
  if (isObject(packages)) {
    for (const [path, entry] of Object.entries(packages)) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (path.includes('node_modules/') && isTestRunner(name)) found.set(`packages["${path}"]`, describe(entry));
      // the root entry repeats package.json's declarations
      if (path === '' && isObject(entry)) for (const section of DEPENDENCY_SECTIONS) collectNamed(found, `root.${section}`, entry[section]);
    }
  }
  const walkV1 = (prefix: string, deps: unknown) => {
    if (!isObject(deps)) return;
    for (const [name, entry] of Object.entries(deps)) {
      if (isTestRunner(name)) found.set(`${prefix}${name}`, describe(entry));
      if (isObject(entry)) walkV1(`${prefix}${name} > `, entry['dependencies']);
    }
  };
  walkV1('dependencies.', json['dependencies']);
  return found;
}

function readPipfileLock(content: string): Map<string, string> {
  const found = new Map<string, string>();
  const json = parseJsonObject(content);
  for (const section of ['default', 'develop']) collectNamed(found, section, json[section]);
  return found;
}

function readComposerLock(content: string): Map<string, string> {
  const found = new Map<string, string>();
  const json = parseJsonObject(content);
  for (const section of ['packages', 'packages-dev']) {
    const list = json[section];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (isObject(entry) && typeof entry['name'] === 'string' && isTestRunner(entry['name'])) {
        found.set(`${section}.${entry['name']}`, String(entry['version'] ?? ''));
      }
    }
  }
  return found;
}

function readPnpmLock(content: string): Map<string, string> {
  const found = new Map<string, string>();
  let doc: unknown;
  try {
    doc = parseYaml(content, { uniqueKeys: false });
  } catch {
    return readLines(content);
  }
  const walk = (path: string, node: unknown, depth: number) => {
    if (!isObject(node) || depth > 6) return;
    for (const [key, value] of Object.entries(node)) {
      if (isTestRunner(pnpmPackageName(key))) found.set(`${path}${key}`, describe(value));
      else walk(`${path}${key}.`, value, depth + 1);
    }
  };
  walk('', doc, 0);
  return found;
}

/** `/jest@29.7.0`, `jest@29.7.0(@types/node@20)`, `/@jest/core/29.7.0` → the package name. */
function pnpmPackageName(key: string): string {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.indexOf('@', 1);
  if (at > 0) return bare.slice(0, at);
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Blank-line separated blocks (yarn.lock, Gemfile.lock): a block names its package in its header line. */
function readBlocks(content: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const block of content.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim().length > 0 && !line.trimStart().startsWith('#'));
    if (lines.length === 0) continue;
    const names = blockNames(lines);
    if (!names.some(isTestRunner)) continue;
    found.set(lines[0]!.trim(), lines.map((line) => line.trim()).join('\n'));
  }
  return found;
}

function blockNames(lines: string[]): string[] {
  // yarn: `"jest@^29.0.0", jest@^29.7.0:` or `"@jest/core@npm:^29":`
  return lines[0]!
    .replace(/:$/, '')
    .split(',')
    .map((spec) => spec.trim().replace(/^"|"$/g, ''))
    .map((spec) => spec.slice(0, spec.indexOf('@', 1) > 0 ? spec.indexOf('@', 1) : spec.length));
}

/** Any line whose first word (quotes and list markers stripped) is a runner: requirements, setup.py/cfg, Gemfile, bun.lock. */
function readLines(content: string): Map<string, string> {
  // a line's content is its key: any edit reads as one removal and one addition, and an
  // unrelated insertion above it changes nothing
  const found = new Map<string, string>();
  for (const raw of content.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const word = /^[-*\s]*(?:gem\s+)?["']?(@?[A-Za-z0-9_.\-/]+)/.exec(line)?.[1];
    if (word !== undefined && isTestRunner(word.replace(/\[.*$/, ''))) found.set(line, line);
  }
  return found;
}

function parseTomlOrThrow(content: string): TomlTable {
  const read = readToml(content);
  if (!read.ok) throw new Error(`not valid TOML${read.line === null ? '' : ` (line ${read.line})`}: ${read.message}`);
  return read.doc;
}

/** `[[package]]` entries of a runner, keyed by name (and version, when a lockfile holds several of one name). */
function readTomlLock(content: string): Map<string, string> {
  const found = new Map<string, string>();
  const packages = parseTomlOrThrow(content)['package'];
  if (!Array.isArray(packages)) return found;
  const entries = packages.map((entry) => tomlTable(entry)).filter((entry): entry is TomlTable => entry !== undefined);
  const counts = new Map<string, number>();
  for (const entry of entries) if (typeof entry['name'] === 'string') counts.set(entry['name'], (counts.get(entry['name']) ?? 0) + 1);
  for (const entry of entries) {
    const name = entry['name'];
    if (typeof name !== 'string' || !isTestRunner(name)) continue;
    const key = (counts.get(name) ?? 0) > 1 ? `package ${name}@${String(entry['version'])}` : `package ${name}`;
    found.set(key, JSON.stringify(entry));
  }
  return found;
}

/** Keys whose value declares dependencies: PEP 621/735, Poetry, uv, PDM, Hatch, tox, build-system, Pipfile. */
const DEPENDENCY_KEYS = new Set(['dependencies', 'optional-dependencies', 'dev-dependencies', 'dependency-groups', 'extra-dependencies', 'requires', 'deps']);
const PIPFILE_KEYS = new Set(['packages', 'dev-packages']);

/**
 * Runner declarations anywhere a pyproject.toml or Pipfile declares dependencies, keyed by where and
 * which: `project.optional-dependencies.test pytest` → "pytest>=8". Formatting, comments and order
 * do not matter; only the declarations do.
 */
function readTomlManifest(content: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (table: TomlTable, path: string[]) => {
    for (const [key, value] of Object.entries(table)) {
      const at = [...path, key];
      if (DEPENDENCY_KEYS.has(key) || (path.length === 0 && PIPFILE_KEYS.has(key))) collectDeclarations(found, at.join('.'), value);
      else if (tomlTable(value)) walk(tomlTable(value)!, at);
    }
  };
  walk(parseTomlOrThrow(content), []);
  return found;
}

/** Requirement strings (`"pytest>=8"`), name → spec tables (`pytest = "^8"`), and groups of either. */
function collectDeclarations(found: Map<string, string>, path: string, value: TomlValue): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      const name = typeof item === 'string' ? distributionName(item) : undefined;
      // whitespace inside a requirement means nothing (`pytest >= 8` is `pytest>=8`)
      if (name !== undefined && isTestRunner(name)) found.set(`${path} ${name}`, (item as string).replace(/\s+/g, ''));
    }
    return;
  }
  const table = tomlTable(value);
  if (!table) return;
  for (const [name, spec] of Object.entries(table)) {
    if (Array.isArray(spec) || (tomlTable(spec) && !isSpecTable(spec))) collectDeclarations(found, `${path}.${name}`, spec);
    else if (isTestRunner(name)) found.set(`${path} ${name}`, typeof spec === 'string' ? spec : JSON.stringify(spec));
  }
}

/** A Poetry/Pipfile dependency written as a table (`{version = "^8", extras = […]}`) rather than a group of them. */
function isSpecTable(value: TomlValue): boolean {
  const table = tomlTable(value);
  return table !== undefined && ['version', 'git', 'path', 'url', 'extras', 'markers', 'optional', 'python', 'source', 'branch', 'tag', 'rev', 'develop', 'editable']
    .some((key) => key in table);
}

function collectNamed(found: Map<string, string>, prefix: string, section: unknown): void {
  if (Array.isArray(section)) {
    for (const name of section) if (typeof name === 'string' && isTestRunner(name)) found.set(`${prefix}.${name}`, 'bundled');
    return;
  }
  if (!isObject(section)) return;
  for (const [name, value] of Object.entries(section)) if (isTestRunner(name)) found.set(`${prefix}.${name}`, describe(value));
}

function collectDeep(found: Map<string, string>, prefix: string, node: unknown): void {
  if (!isObject(node)) return;
  for (const [name, value] of Object.entries(node)) {
    if (isTestRunner(name.replace(/@[^@/]*$/, '') || name)) found.set(`${prefix}.${name}`, describe(value));
    else collectDeep(found, `${prefix}.${name}`, value);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  // version and source only: flags such as `dev` or `peer` move when unrelated packages change
  if (isObject(value) && typeof value['version'] === 'string') {
    return [value['version'], value['resolved'], value['integrity']].filter((part) => typeof part === 'string').join(' ');
  }
  return JSON.stringify(value);
}

export function parseJsonObject(content: string): Record<string, unknown> {
  const value: unknown = JSON.parse(content);
  if (!isObject(value)) throw new Error('not a JSON object');
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
