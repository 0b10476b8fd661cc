/**
 * tox, the Python project's own test entry point: tox.ini, setup.cfg `[tox:tox]`, pyproject.toml
 * `[tool.tox]` (native or `legacy_tox_ini`) and tox.toml. The tests run as `tox -e <env>` for an
 * env named like a test suite, else `tox -e py` (the base `[testenv]` on this machine's Python,
 * rather than every interpreter of the envlist, most of which a worktree slot does not have);
 * envs named like linters and formatters become the lint and format commands.
 */
import type { CommandKind } from './types.js';
import { lineAt, sourceAt, type Candidate, type RepoView } from './repo-view.js';
import { parseIni, type IniDocument } from './ini.js';
import { readToml, tomlAt, tomlHeaderLine, tomlString, tomlStrings, tomlTable, type TomlTable } from './toml.js';

interface ToxEnv {
  name: string;
  line: number | undefined;
}

export interface ToxConfig {
  file: string;
  /** How env sections are written: `[testenv:lint]` (INI) or `[tool.tox.env.lint]` (TOML, with this table prefix). */
  syntax: { kind: 'ini' } | { kind: 'toml'; prefix: string };
  /** Line of the `[tox]` header (or its TOML equivalent). */
  line: number | undefined;
  /** The envlist, factors expanded: `py{310,311}-cov` → py310-cov, py311-cov. */
  envlist: string[];
  /** Explicitly defined envs (`[testenv:lint]`). */
  envs: ToxEnv[];
  /** The base env (`[testenv]`, `env_run_base`), when defined. */
  base: ToxEnv | undefined;
}

/** tox env and nox session names per command, preferred first. */
export const SUITE_NAMES: readonly [CommandKind, readonly string[]][] = [
  ['test', ['test', 'tests', 'unit', 'unittests', 'pytest']],
  ['lint', ['lint', 'linting', 'linters', 'flake8', 'ruff', 'pylint', 'pre-commit', 'precommit', 'style', 'check', 'checks', 'qa', 'mypy', 'typing', 'type']],
  ['format', ['format', 'fmt', 'formatting', 'black']],
];

export interface ToxSources {
  toxIni: IniDocument | undefined;
  setupCfg: IniDocument | undefined;
  pyproject: { doc: TomlTable; text: string } | undefined;
}

/** The first tox configuration in tox's own lookup order; tox.toml is read here, the others are passed in parsed. */
export function readToxConfig(repo: RepoView, { toxIni, setupCfg, pyproject }: ToxSources): ToxConfig | undefined {
  // A tox.ini that only holds [flake8] or [pytest] settings is not a tox setup.
  if (toxIni && [...toxIni.keys()].some((section) => section === 'tox' || /^testenv(?::|$)/.test(section))) return fromIni('tox.ini', toxIni, 'tox', 0);
  const legacy = tomlString(tomlAt(pyproject?.doc, 'tool.tox.legacy_tox_ini'));
  if (legacy !== undefined && pyproject) {
    const offset = lineOf(pyproject.text, /^\s*legacy_tox_ini\s*=/m) ?? 0;
    return fromIni('pyproject.toml', parseIni(legacy), 'tox', offset);
  }
  const native = tomlTable(tomlAt(pyproject?.doc, 'tool.tox'));
  if (native && pyproject) return fromToml('pyproject.toml', native, pyproject.text, 'tool.tox');
  const toxToml = repo.read('tox.toml');
  if (toxToml !== undefined) {
    const read = readToml(toxToml);
    if (read.ok) return fromToml('tox.toml', read.doc, toxToml, '');
  }
  return setupCfg?.has('tox:tox') ? fromIni('setup.cfg', setupCfg, 'tox:tox', 0) : undefined;
}

function fromIni(file: string, ini: IniDocument, header: string, lineOffset: number): ToxConfig {
  const at = (line: number | undefined) => (line === undefined ? undefined : line + lineOffset);
  const tox = ini.get(header);
  const envs: ToxEnv[] = [];
  for (const [section, values] of ini) {
    const name = /^testenv:(.+)$/.exec(section)?.[1]?.trim();
    if (name) envs.push({ name, line: at(values.line) });
  }
  const base = ini.get('testenv');
  return {
    file,
    syntax: { kind: 'ini' },
    line: at(tox?.line),
    envlist: expandEnvlist(tox?.get('envlist') ?? tox?.get('env_list') ?? ''),
    envs,
    base: base ? { name: 'testenv', line: at(base.line) } : undefined,
  };
}

function fromToml(file: string, table: TomlTable, text: string, prefix: string): ToxConfig {
  const header = (name: string) => tomlHeaderLine(text, [prefix, name].filter(Boolean).join('.'));
  const envs = Object.keys(tomlTable(table['env']) ?? {}).map((name) => ({ name, line: header(`env.${name}`) }));
  return {
    file,
    syntax: { kind: 'toml', prefix },
    line: prefix === '' ? undefined : header(''),
    envlist: tomlStrings(table['env_list'] ?? table['envlist']).flatMap(expandEnvlist),
    envs,
    base: table['env_run_base'] !== undefined ? { name: 'env_run_base', line: header('env_run_base') } : undefined,
  };
}

/** `tox -e …` commands, prefixed by the package manager's runner (`uv run tox`) when there is one. */
export function toxCandidates(tox: ToxConfig, run: string): Candidate[] {
  const candidates: Candidate[] = [];
  const named = new Map(tox.envs.map((env) => [env.name, env]));
  const candidate = (kind: CommandKind, args: string, line: number | undefined, what: string): Candidate => ({
    kind, origin: 'entry', command: `${run}tox${args}`, source: sourceAt(tox.file, line, what),
  });
  for (const [kind, names] of SUITE_NAMES) {
    const env = names.map((name) => named.get(name)).find((entry) => entry !== undefined);
    if (env) candidates.push(candidate(kind, ` -e ${env.name}`, env.line, sectionName(tox, env.name)));
  }
  if (!candidates.some((c) => c.kind === 'test')) {
    // py311, pypy3, py, and tox 4's bare versions (3.12)
    const pythonEnvs = tox.envlist.filter((env) => /^(?:(?:py|pypy)\d*|\d+(?:\.\d+)*)(?:-|$)/.test(env));
    if (tox.base && (tox.envlist.length === 0 || pythonEnvs.length > 0)) {
      candidates.push(candidate('test', ' -e py', tox.base.line, `${sectionName(tox, tox.base.name)}; -e py runs it on this machine's Python`));
    } else {
      candidates.push(candidate('test', '', tox.line, tox.envlist.length > 0 ? `envlist ${tox.envlist.join(', ')}` : 'tox'));
    }
  }
  return candidates;
}

function sectionName(tox: ToxConfig, env: string): string {
  if (tox.syntax.kind === 'ini') return env === 'testenv' ? '[testenv]' : `[testenv:${env}]`;
  const prefix = tox.syntax.prefix === '' ? '' : `${tox.syntax.prefix}.`;
  return env === 'env_run_base' ? `[${prefix}env_run_base]` : `[${prefix}env.${env}]`;
}

/** Comma- or newline-separated, with `{a,b}` factor groups expanded into their product. */
export function expandEnvlist(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '{') depth += 1;
    if (c === '}') depth -= 1;
    if ((c === ',' || c === '\n') && depth === 0) {
      items.push(current);
      current = '';
    } else current += c;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '' && !item.startsWith('#')).flatMap(expandFactors);
}

function expandFactors(item: string): string[] {
  const group = /\{([^{}]*)\}/.exec(item);
  if (!group) return [item];
  const before = item.slice(0, group.index);
  const after = item.slice(group.index + group[0].length);
  return group[1]!.split(',').flatMap((choice) => expandFactors(`${before}${choice.trim()}${after}`));
}

function lineOf(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  return match ? lineAt(text, match.index) : undefined;
}
