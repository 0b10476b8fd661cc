/**
 * One repository as a run sees it in execute mode: its integration branch, its pool of worktree
 * slots, the test and setup commands learned from it, and the files agents may not touch.
 * Everything git-mutating goes through src/git, which serializes per repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { LoopConfig, ProtectedSpec } from '../../protocol/index.js';
import type { ResolvedRepository } from '../config/load.js';
import { ensureIntegrationBranch } from '../git/integration.js';
import { buildProtectedSpec, RUNNER_CONFIG_GLOBS } from '../gate/protected-files.js';
import { SlotPool, type Slot } from '../git/slots.js';
import { learnProject } from '../learn/learn.js';
import { renderIntelligence } from '../learn/render.js';
import type { ProjectIntelligence } from '../learn/types.js';

export interface RepoWorkspace {
  repo: ResolvedRepository;
  integration: { ref: string; branch: string; baseSha: string };
  pool: SlotPool;
  testCommand: string | null;
  setupCommand: string | null;
  protected: ProtectedSpec;
  intelligence: ProjectIntelligence;
  /** Rendered PROJECT-INTELLIGENCE.md text (the user's own file when it exists). */
  intelligenceText: string;
  /** Held for the whole run: the merge queue's scratch slot and the baseline slot. */
  scratch: Slot;
  baseline: Slot;
}

export interface OpenWorkspaceOptions {
  repo: ResolvedRepository;
  config: LoopConfig;
  configFile: string;
  configDir: string;
  runId: string;
  home: string;
  onLog: (line: string) => void;
}

export async function openWorkspace(o: OpenWorkspaceOptions): Promise<RepoWorkspace> {
  const intelligence = await learnProject(o.repo.path);
  const testCommand = o.repo.testCommand ?? o.config.loop.testCommand ?? intelligence.commands.test?.command ?? null;
  const setupCommand = o.repo.setup ?? o.config.loop.setup ?? slotSetup(o.repo.path, intelligence.commands.install?.command ?? null);
  const integration = await ensureIntegrationBranch(o.repo.path, o.runId, o.repo.defaultBranch ? { branch: o.repo.defaultBranch } : {});
  const pool = new SlotPool({ repo: o.repo.path, runId: o.runId, home: o.home, setupCommand, copyFiles: o.repo.copyFiles, onLog: o.onLog });
  const inRepo = (file: string): string | null => {
    const rel = relative(o.repo.path, isAbsolute(file) ? file : join(o.configDir, file));
    return rel.startsWith('..') || isAbsolute(rel) ? null : rel;
  };
  const extraLocked = [...o.config.loop.protectedPaths];
  // When the suite is driven by make, the Makefile is part of the grader.
  if (testCommand && /^\s*make\b/.test(testCommand)) extraLocked.push('/Makefile', '/makefile', '/GNUmakefile');
  const built = buildProtectedSpec({
    testGlobs: intelligence.testPatterns,
    extraLocked: [...extraLocked, ...intelligence.runnerConfigs.map((f) => `/${f}`)],
    configFile: inRepo(o.configFile),
    briefFile: inRepo(o.config.brief),
  });
  // A project with no test command yet has no grader to protect: its first runner config is work.
  const spec = testCommand === null ? { ...built, lockedGlobs: built.lockedGlobs.filter((g) => !RUNNER_CONFIG_GLOBS.includes(g)) } : built;
  const userFile = join(o.repo.path, o.config.intelligence);
  const intelligenceText = existsSync(userFile) ? readFileSync(userFile, 'utf8') : renderIntelligence(intelligence);
  // Both run setup once here; later the gate re-points them with a plain checkout, and ignored
  // files such as node_modules survive that.
  const scratch = await pool.acquire('scratch');
  const baseline = await pool.acquire('scratch');
  await Promise.all([
    pool.pointAt(scratch, { sha: integration.headSha, branch: null }),
    pool.pointAt(baseline, { sha: integration.headSha, branch: null }),
  ]);
  return { repo: o.repo, integration, pool, testCommand, setupCommand, protected: spec, intelligence, intelligenceText, scratch, baseline };
}

/**
 * The learned install command, made safe to run in a slot: skipped when package.json declares no
 * dependencies, and without writing a lockfile the project does not have (it would be captured
 * as the agent's work and merged).
 */
export function slotSetup(repo: string, install: string | null): string | null {
  if (install === null || !/^npm (install|ci)\b/.test(install)) return install;
  const manifest = join(repo, 'package.json');
  if (!existsSync(manifest)) return install;
  let pkg: { dependencies?: object; devDependencies?: object; optionalDependencies?: object };
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8')) as typeof pkg;
  } catch {
    return install;
  }
  const count = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].reduce((n, deps) => n + Object.keys(deps ?? {}).length, 0);
  if (count === 0) return null;
  if (/^npm install\b/.test(install) && !existsSync(join(repo, 'package-lock.json'))) return `${install} --no-package-lock --no-audit --no-fund`;
  return install;
}

export const taskBranch = (runId: string, taskId: string): string => `loop/${runId}/${taskId}`;
