/** Manifests written into a temp folder and seen through a RepoView listing exactly those files. */
import type { TestContext } from 'node:test';
import { createRepoView, type Detection, type RepoView } from '../../src/learn/repo-view.js';
import { bestCommands } from '../../src/learn/combine.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

export function repoWith(t: TestContext, files: Record<string, string>): RepoView {
  const dir = tempDir(t, 'loop-detect-');
  writeFiles(dir, files);
  return createRepoView(dir, Object.keys(files));
}

/** The command a detection's strongest candidate gives per kind, as `command <- source`; kinds without one are left out. */
export function chosen(detection: Detection | null): Record<string, string> {
  const commands = bestCommands(detection?.candidates ?? []);
  return Object.fromEntries(Object.entries(commands).filter(([, found]) => found !== null).map(([kind, found]) => [kind, `${found!.command} <- ${found!.source}`]));
}

/** Just the commands. */
export function chosenCommands(detection: Detection | null): Record<string, string> {
  return Object.fromEntries(Object.entries(chosen(detection)).map(([kind, text]) => [kind, text.slice(0, text.indexOf(' <- '))]));
}
