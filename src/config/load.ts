/**
 * Finds and loads `loop.config.yaml`: every problem is reported at once (ConfigError, exit 2)
 * before anything runs; warnings travel with the loaded config.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { LoopConfig } from '../../protocol/config.js';
import { UserError } from '../util/errors.js';
import { shellQuote } from '../util/shell-quote.js';
import { analyzeConfigText, type CheckOptions } from './check.js';
import { formatProblem, plural, type ConfigProblem } from './problems.js';

export interface ResolvedRepository {
  name: string;
  /** Absolute git toplevel. */
  path: string;
  defaultBranch?: string;
  protectedBranches: string[];
  setup?: string;
  testCommand?: string;
  copyFiles: string[];
  /** True when there is no repositories block and this is the config folder's own repository. */
  implicit: boolean;
}

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Its folder; `.loop/` lives here and relative paths resolve against it. */
  dir: string;
  text: string;
  config: LoopConfig;
  repositories: ResolvedRepository[];
  warnings: ConfigProblem[];
  /** sha256 of the text, first 12 hex digits (recorded in run.json). */
  hash: string;
}

export const CONFIG_FILE_NAMES = ['loop.config.yaml', 'loop.config.yml'] as const;

export class ConfigError extends UserError {
  override name = 'ConfigError';
  constructor(
    readonly problems: ConfigProblem[],
    displayFile: string,
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    const lines = problems.map(formatProblem);
    super(`${lines.join('\n')}\n${plural(errors.length, 'problem')} in ${displayFile}; fix them and run \`loop validate\``, 2);
  }
}

/** A path as the user would type it: relative to the cwd when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}

/** `explicit` must exist (a folder holding loop.config.yaml is accepted); else search cwd and its parents. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new UserError(`config file ${explicit} does not exist; check the -c path or run \`loop init\` to create one`);
    if (stat.isDirectory()) {
      const inside = CONFIG_FILE_NAMES.map((name) => join(path, name)).find((candidate) => existsSync(candidate));
      if (inside) return inside;
      throw new UserError(`${explicit} is a folder without a loop.config.yaml; pass the config file itself, or run \`loop init --dir ${explicit}\``);
    }
    return path;
  }
  const found = searchConfigFile(cwd);
  if (found) return found;
  throw new UserError(`no loop.config.yaml in ${cwd} or any parent folder; run \`loop init\` to create one`);
}

/** loop.config.yaml / .yml in `cwd` or the nearest parent, or null. */
export function searchConfigFile(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    }
    if (dirname(dir) === dir) return null;
  }
}

export function readConfigText(file: string, shown: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? String(error));
    throw new UserError(`cannot read ${shown}: ${why}`);
  }
}

export async function loadConfig(options: { cwd: string; configFile?: string } & CheckOptions): Promise<LoadedConfig> {
  const file = findConfigFile(options.cwd, options.configFile);
  const shown = displayPath(file, options.cwd);
  const text = readConfigText(file, shown);
  const dir = dirname(file);
  const analysis = analyzeConfigText(text, shown, dir, options.home === undefined ? {} : { home: options.home });
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !analysis.config) throw new ConfigError(errors, shown);
  return {
    file,
    dir,
    text,
    config: analysis.config,
    repositories: analysis.repositories,
    warnings: analysis.problems.filter((p) => p.severity === 'warning'),
    hash: createHash('sha256').update(text).digest('hex').slice(0, 12),
  };
}

export function checkConfigText(text: string, file: string, dir: string, options: CheckOptions = {}): { config: LoopConfig | null; problems: ConfigProblem[] } {
  const { config, problems } = analyzeConfigText(text, file, dir, options);
  return { config, problems };
}

/**
 * ` -c <file>` when a command run from `cwd` would not find this config by itself (another name,
 * or outside its folder), for the commands loop prints for the user to run; '' otherwise.
 */
export function configArg(loaded: LoadedConfig, cwd: string = process.cwd()): string {
  const found = (CONFIG_FILE_NAMES as readonly string[]).includes(basename(loaded.file)) && (cwd === loaded.dir || cwd.startsWith(`${loaded.dir}${sep}`));
  return found ? '' : ` -c ${shellQuote(loaded.file)}`;
}
