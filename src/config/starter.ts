/**
 * `loop init`: writes the starter config and brief from the templates shipped with the package,
 * creates `.loop/` and excludes it from git. Never overwrites without `force`, and reports
 * exactly what it did.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/package-root.js';
import { writeFileAtomic } from '../util/fs.js';
import { UserError } from '../util/errors.js';
import { excludeStateDir, type ExcludeOutcome } from './git-exclude.js';

export const STARTER_FILES = ['loop.config.yaml', 'brief.md'] as const;

export interface FileOutcome {
  name: string;
  action: 'created' | 'overwritten' | 'skipped';
}

export interface InitReport {
  dir: string;
  files: FileOutcome[];
  stateDir: 'created' | 'exists';
  exclude: ExcludeOutcome;
}

export function templatePath(name: string): string {
  return join(packageRoot(), 'src', 'config', 'templates', name);
}

export async function writeStarter(options: { dir: string; force: boolean }): Promise<InitReport> {
  const { dir, force } = options;
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new UserError(`${dir} is a file; --dir must name a folder`);
  mkdirSync(dir, { recursive: true });
  const files: FileOutcome[] = [];
  for (const name of STARTER_FILES) {
    const target = join(dir, name);
    const exists = existsSync(target);
    if (exists && !force) {
      files.push({ name, action: 'skipped' });
      continue;
    }
    if (exists && statSync(target).isDirectory()) throw new UserError(`${target} is a folder; move it away to let \`loop init\` write the file`);
    writeFileAtomic(target, readFileSync(templatePath(name), 'utf8'));
    files.push({ name, action: exists ? 'overwritten' : 'created' });
  }
  const state = join(dir, '.loop');
  const stateStat = statSync(state, { throwIfNoEntry: false });
  if (stateStat && !stateStat.isDirectory()) throw new UserError(`${state} is a file; loop keeps its run state in a .loop/ folder there, so move the file away`);
  const stateExisted = stateStat !== undefined;
  mkdirSync(state, { recursive: true });
  const exclude = await excludeStateDir(dir);
  return { dir, files, stateDir: stateExisted ? 'exists' : 'created', exclude };
}
