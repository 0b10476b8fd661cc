/**
 * `npm test` without npm's start-up. npm spends about 0.3 s loading itself before it runs a
 * package's test script (measured on the reference workload: 1.15 s for `npm test`, 0.83 s for its
 * `node --test` alone), and the gate runs the suite once per train and once per base. When npm would
 * do nothing but run that one script, the gate runs it the way npm does: `sh -c` in the package
 * folder, the `node_modules/.bin` of that folder and of every folder above it first on PATH, and
 * npm's lifecycle and package variables. Whenever npm would do more or other (a pre or post
 * script, arguments, a script shell, node options or workspaces from an npmrc or the environment,
 * no npm installed at all), the real npm runs. Pure: the caller reads the files.
 */
import { dirname, join, resolve } from 'node:path';

export interface NpmScriptInput {
  /** The test command as configured. */
  command: string;
  /** The folder the command runs in (a slot). */
  cwd: string;
  /** `package.json` in that folder, or null when there is none. */
  packageJson: string | null;
  /** The npmrc files npm would read (project, user, global) that exist, by content. */
  npmrcs: readonly string[];
  env: NodeJS.ProcessEnv;
  /** The node running loop; npm's `NODE` and `npm_node_execpath`. */
  execPath: string;
  /** Whether an `npm` is on PATH: without one the command fails as it always did. */
  npmInstalled: boolean;
}

export interface NpmScript {
  /** The script, as `sh -c` runs it. */
  script: string;
  /** Variables npm would set, PATH included, laid over the command's environment. */
  env: Record<string, string>;
}

/** `npm test`, `npm t`, `npm tst`, `npm run test`, `npm run-script test`, and nothing more. */
const NPM_TEST = /^\s*npm\s+(?:(test|tst|t)|(run|run-script)\s+test)\s*$/;

/** npmrc keys and variables that change how or where npm runs a script. */
const SCRIPT_SETTINGS = ['script-shell', 'node-options', 'workspace', 'workspaces'];

/** Whether the command is one of those spellings: the only ones worth reading npm's files for. */
export const isNpmTest = (command: string): boolean => NPM_TEST.test(command);

export function npmTestScript(input: NpmScriptInput): NpmScript | null {
  const match = NPM_TEST.exec(input.command);
  if (match === null || input.packageJson === null || !input.npmInstalled) return null;
  const pkg = parseObject(input.packageJson);
  const scripts = pkg?.['scripts'];
  if (!isObject(scripts)) return null;
  const script = scripts['test'];
  // a missing script is npm's own error to give
  if (typeof script !== 'string' || script.trim() === '') return null;
  if (scripts['pretest'] !== undefined || scripts['posttest'] !== undefined) return null;
  if (input.npmrcs.some(setsScriptSetting) || Object.keys(input.env).some(isScriptSettingVariable)) return null;
  const packageDir = resolve(input.cwd);
  const env: Record<string, string> = {
    ...packageVariables(pkg!),
    PATH: binPath(packageDir, input.env['PATH']),
    INIT_CWD: packageDir,
    NODE: input.execPath,
    npm_node_execpath: input.execPath,
    npm_command: match[1] !== undefined ? 'test' : 'run-script',
    npm_lifecycle_event: 'test',
    npm_lifecycle_script: script,
    npm_package_json: join(packageDir, 'package.json'),
  };
  return { script, env };
}

/** The npmrc files npm reads for a package folder: the project's, the user's and the global one. */
export function npmrcPaths(cwd: string, env: NodeJS.ProcessEnv, execPath: string): string[] {
  const home = env['HOME'];
  const user = setting(env, 'userconfig') ?? (home ? join(home, '.npmrc') : undefined);
  const global = setting(env, 'globalconfig') ?? join(setting(env, 'prefix') ?? dirname(dirname(execPath)), 'etc', 'npmrc');
  return [join(cwd, '.npmrc'), ...(user ? [user] : []), global];
}

function setting(env: NodeJS.ProcessEnv, key: string): string | undefined {
  for (const [name, value] of Object.entries(env)) if (name.toLowerCase() === `npm_config_${key}` && value) return value;
  return undefined;
}

function setsScriptSetting(npmrc: string): boolean {
  return npmrc.split(/\r?\n/).some((line) => {
    const key = /^\s*([^=;#\s]+)\s*=/.exec(line)?.[1]?.toLowerCase().replace(/_/g, '-');
    return key !== undefined && SCRIPT_SETTINGS.includes(key);
  });
}

function isScriptSettingVariable(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('npm_config_') && SCRIPT_SETTINGS.includes(lower.slice('npm_config_'.length).replace(/_/g, '-'));
}

/** npm puts `node_modules/.bin` of the package folder and of each folder above it before PATH. */
function binPath(packageDir: string, path: string | undefined): string {
  const bins: string[] = [];
  for (let dir = packageDir; ; dir = dirname(dir)) {
    bins.push(join(dir, 'node_modules', '.bin'));
    if (dirname(dir) === dir) break;
  }
  return [...bins, ...(path ? [path] : [])].join(':');
}

/** `npm_package_*` as npm sets them (npm RFC 183): name, version, config, engines and bin, flattened. */
function packageVariables(pkg: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  const put = (value: unknown, name: string): void => {
    if (value === undefined) return;
    if (value === null || value === false) env[name] = '';
    else if (Array.isArray(value)) value.forEach((item, index) => put(item, `${name}_${index}`));
    else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) put(item, `${name}_${key}`);
    else env[name] = String(value);
  };
  for (const field of ['name', 'version', 'config', 'engines', 'bin']) put(pkg[field], `npm_package_${field}`);
  return env;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
