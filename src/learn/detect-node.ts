/**
 * package.json: scripts become commands, run with the package manager the lockfile implies
 * (npm test / pnpm test / yarn test / bun run test); dependencies name the frameworks.
 */
import type { FoundCommand } from './types.js';
import { emptyDetection, lineAt, sourceAt, type Detection, type RepoView } from './repo-view.js';
import { escapeRegExp } from '../util/escape-regexp.js';
import { NPM_FRAMEWORKS, lookupFrameworks } from './frameworks.js';

type NodeManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Lockfile → manager, in the order used when several are present. */
const LOCKFILES: readonly [string, NodeManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** Script names for each command, most specific first. */
const SCRIPT_NAMES = {
  test: ['test', 'tests', 'test:unit', 'test:all', 'unit'],
  build: ['build', 'compile', 'build:all'],
  lint: ['lint', 'lint:all', 'eslint', 'lint:js', 'lint:ts'],
  format: ['format', 'fmt', 'prettier', 'format:write', 'prettier:write', 'format:all'],
} as const;

/** What `npm init` writes: a script that fails on purpose is not a test suite. */
const NPM_INIT_TEST = /no test specified/;

interface PackageJson {
  name?: unknown;
  scripts?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
  peerDependencies?: unknown;
  optionalDependencies?: unknown;
  packageManager?: unknown;
  workspaces?: unknown;
}

export function detectNode(repo: RepoView): Detection | null {
  const text = repo.read('package.json');
  if (text === undefined) return null;
  const detection = emptyDetection();
  let manifest: PackageJson;
  try {
    manifest = JSON.parse(text) as PackageJson;
  } catch (error) {
    detection.notes.push(`package.json is not valid JSON (${(error as Error).message}); its scripts were not read.`);
    return detection;
  }
  if (manifest === null || typeof manifest !== 'object') return detection;
  if (typeof manifest.name === 'string' && manifest.name !== '') detection.name = manifest.name;

  const { manager, lockfile } = pickManager(repo, manifest, detection.notes);
  detection.packageManager = manager;
  detection.candidates.push({ kind: 'install', origin: 'config', ...installCommand(repo, manager, lockfile) });

  const scripts = stringRecord(manifest.scripts);
  for (const kind of ['test', 'build', 'lint', 'format'] as const) {
    const name = SCRIPT_NAMES[kind].find((candidate) => {
      const body = scripts[candidate];
      return body !== undefined && body.trim() !== '' && !(kind === 'test' && NPM_INIT_TEST.test(body));
    });
    if (name !== undefined) detection.candidates.push({ kind, origin: 'entry', ...scriptCommand(manager, name, text) });
  }
  if (scripts['test'] !== undefined && NPM_INIT_TEST.test(scripts['test'])) {
    detection.notes.push('package.json "test" is the npm init placeholder ("no test specified"), not a test suite.');
  }

  const dependencies = [
    manifest.dependencies, manifest.devDependencies, manifest.peerDependencies, manifest.optionalDependencies,
  ].flatMap((block) => Object.keys(stringRecord(block)));
  detection.frameworks = lookupFrameworks(dependencies, NPM_FRAMEWORKS);
  if (manifest.workspaces !== undefined || repo.has('pnpm-workspace.yaml')) {
    detection.notes.push('Monorepo: package.json workspaces; the root scripts are used as the project commands.');
  }
  return detection;
}

function pickManager(repo: RepoView, manifest: PackageJson, notes: string[]): { manager: NodeManager; lockfile: string | null } {
  const present = LOCKFILES.filter(([file]) => repo.has(file));
  const declared = typeof manifest.packageManager === 'string' ? /^(npm|pnpm|yarn|bun)@/.exec(manifest.packageManager)?.[1] as NodeManager | undefined : undefined;
  if (present.length === 0) return { manager: declared ?? 'npm', lockfile: null };
  const chosen = present.find(([, manager]) => manager === declared) ?? present[0]!;
  if (new Set(present.map(([, manager]) => manager)).size > 1) {
    notes.push(`Several lockfiles (${present.map(([file]) => file).join(', ')}); using ${chosen[0]} (${chosen[1]}).`);
  }
  return { manager: chosen[1], lockfile: chosen[0] };
}

function installCommand(repo: RepoView, manager: NodeManager, lockfile: string | null): FoundCommand {
  if (lockfile === null) {
    return { command: `${manager} install`, source: `package.json (${manager}, no lockfile)` };
  }
  const frozen: Record<NodeManager, string> = {
    npm: 'npm ci',
    pnpm: 'pnpm install --frozen-lockfile',
    // Yarn 2+ (a .yarnrc.yml) renamed the flag.
    yarn: repo.has('.yarnrc.yml') ? 'yarn install --immutable' : 'yarn install --frozen-lockfile',
    bun: 'bun install',
  };
  return { command: frozen[manager], source: lockfile };
}

/** `bun test` is bun's own runner, not the script, so bun always goes through `run`. */
function scriptCommand(manager: NodeManager, script: string, text: string): FoundCommand {
  const command = script === 'test' && manager !== 'bun' ? `${manager} test` : `${manager} run ${script}`;
  return { command, source: sourceAt('package.json', scriptLine(text, script), `scripts.${script}, ${manager}`) };
}

/** Line of a script's key: the first `"name":` after the `"scripts"` key. */
function scriptLine(text: string, script: string): number | undefined {
  const scripts = /"scripts"\s*:\s*\{/.exec(text);
  if (!scripts) return undefined;
  const key = new RegExp(`${escapeRegExp(JSON.stringify(script))}\\s*:`, 'g');
  key.lastIndex = scripts.index + scripts[0].length;
  const found = key.exec(text);
  return found ? lineAt(text, found.index) : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const record: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') record[key] = item;
  return record;
}
