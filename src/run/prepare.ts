/**
 * Everything checked and written before a run spends anything: config, run id, plan file, provider
 * executables, the run folder, run.json, and the exact system prompt each role receives. A problem
 * here is a usage error (exit 2) with one line per problem.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { Plan, RoleConfig } from '../../protocol/index.js';
import type { LoadedConfig } from '../config/load.js';
import { checkRunId } from '../config/run-id.js';
import { plannerRole } from '../config/team.js';
import { findExecutable } from '../auth/executable.js';
import { repoInfo } from '../git/repo.js';
import { buildRolePrompt, type PromptPurpose } from '../roles/prompt.js';
import { UserError } from '../util/errors.js';
import { runPaths, type RunPaths } from '../util/paths.js';
import { loadPlanFile } from './plan-file.js';
import { providerForRun, taskRoles } from './team.js';

export function newRunId(now: Date, exists: (id: string) => boolean): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let id = `run-${stamp}`;
  for (let n = 2; exists(id); n++) id = `run-${stamp}-${n}`;
  return id;
}

export function chooseRunId(loaded: LoadedConfig, requested: string | undefined): string {
  if (requested !== undefined) {
    const problem = checkRunId(requested);
    if (problem) throw new UserError(`--run ${requested}: ${problem}`);
    if (existsSync(runPaths(loaded.dir, requested).events)) {
      throw new UserError(`run ${requested} already exists; continue it with \`loop resume ${requested}\` or pick another --run`);
    }
    return requested;
  }
  return newRunId(new Date(), (id) => existsSync(runPaths(loaded.dir, id).dir));
}

/** Problems that would waste the run if found later: missing executables, no repository, no planner. */
export async function preflight(loaded: LoadedConfig, mode: 'dry-run' | 'execute', hasPlanFile: boolean): Promise<void> {
  const problems: string[] = [];
  const config = loaded.config;
  if (mode === 'execute') {
    if (loaded.repositories.length === 0) problems.push(`${loaded.dir} is not inside a git repository and the config lists no repositories; --execute needs one (run \`git init\` and commit, or add repositories)`);
    if (!hasPlanFile && !plannerRole(config)) problems.push('no planner role: set `loop.planner` in the config or pass --plan FILE');
    const used = new Set<RoleConfig>([...config.roles]);
    for (const role of used) {
      const provider = providerForRun(config, role, mode);
      if (provider.config.type === 'sim') continue;
      const command = provider.config.type === 'command' || provider.config.type === 'custom'
        ? provider.config.argv?.[0] ?? provider.config.command ?? ''
        : provider.config.command ?? provider.config.type;
      if (!findExecutable(command, process.env)) {
        problems.push(`role ${role.name}: provider ${provider.key} runs "${command}", which is not on PATH; install it or run \`loop doctor\``);
      }
    }
  }
  if (mode === 'execute') {
    for (const repo of loaded.repositories) {
      if (repo.defaultBranch) continue;
      const info = await repoInfo(repo.path).catch(() => null);
      if (info && info.branch === null) problems.push(`${repo.path} is on a detached HEAD; check out the branch the work should land on, or set defaultBranch for repository ${repo.name}`);
      if (info && info.head === null) problems.push(`${repo.path} has no commits yet; commit once so worktrees have a starting point`);
    }
  }
  const unique = [...new Set(problems)];
  if (unique.length > 0) throw new UserError(unique.join('\n'));
}

export function readPlanFile(loaded: LoadedConfig, file: string | undefined, cwd: string): Plan | null {
  if (file === undefined) return null;
  return loadPlanFile(isAbsolute(file) ? file : join(cwd, file), {
    roles: taskRoles(loaded.config).map((r) => r.name),
    repositories: loaded.repositories.map((r) => r.name),
  });
}

export function makeRunFolders(loaded: LoadedConfig, runId: string): RunPaths {
  const paths = runPaths(loaded.dir, runId);
  for (const dir of [paths.boardDir, paths.prompts, paths.logs, join(paths.logs, 'actors')]) mkdirSync(dir, { recursive: true });
  return paths;
}

/** PROJECT-INTELLIGENCE.md beside the config, when `loop learn` has written it. */
export function readIntelligence(loaded: LoadedConfig): string | null {
  const file = join(loaded.dir, loaded.config.intelligence);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export function readBrief(loaded: LoadedConfig): string | null {
  const file = isAbsolute(loaded.config.brief) ? loaded.config.brief : join(loaded.dir, loaded.config.brief);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/**
 * Writes `prompts/<role>.md` (implementer), `<role>.critic.md` and `<role>.planner.md`: exactly
 * what each agent receives as its system prompt, for every provider.
 */
export function writeSystemPrompts(options: {
  loaded: LoadedConfig;
  runId: string;
  paths: RunPaths;
  intelligenceFor: (role: RoleConfig) => string | null;
}): Map<string, string> {
  const { loaded, runId, paths } = options;
  const brief = readBrief(loaded);
  const project = loaded.config.project ?? basename(loaded.dir);
  const files = new Map<string, string>();
  const write = (role: RoleConfig, purpose: PromptPurpose, key: string): void => {
    const file = join(paths.prompts, `${key}.md`);
    writeFileSync(file, buildRolePrompt({ role, purpose, runId, project, brief, intelligence: options.intelligenceFor(role) }));
    files.set(key, file);
  };
  for (const role of loaded.config.roles) {
    write(role, 'implementer', role.name);
    write(role, 'critic', `${role.name}.critic`);
  }
  const planner = plannerRole(loaded.config);
  if (planner) write(planner, 'planner', `${planner.name}.planner`);
  else write({ name: 'planner', provider: 'sim', repositories: [], responsibilities: [], guardrails: [], concurrency: 1, autoStart: true }, 'planner', 'planner.planner');
  return files;
}
