/** A root Makefile's conventional targets become `make <target>` commands. */
import type { CommandKind } from './types.js';
import { emptyDetection, type Detection, type RepoView } from './repo-view.js';
import { parseMakeTargets } from './makefile.js';

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile']; // GNU make's lookup order

/** Target names per command, preferred first. `install` is left out: it installs the product. */
const TARGETS: readonly [CommandKind, readonly string[]][] = [
  ['install', ['deps', 'install-deps', 'setup', 'bootstrap']],
  ['test', ['test', 'check', 'tests']],
  ['build', ['build', 'all']],
  ['lint', ['lint', 'vet']],
  ['format', ['fmt', 'format']],
];

export function detectMake(repo: RepoView): Detection | null {
  const makefile = MAKEFILES.find((file) => repo.has(file));
  const text = makefile ? repo.read(makefile) : undefined;
  if (makefile === undefined || text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'make';
  const targets = new Set(parseMakeTargets(text));
  for (const [kind, names] of TARGETS) {
    const target = names.find((name) => targets.has(name));
    if (target) detection.commands[kind] = { command: `make ${target}`, source: `${makefile} target ${target}` };
  }
  return detection;
}
