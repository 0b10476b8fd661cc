/**
 * Merges what each ecosystem's files said into one answer. For each command kind the strongest
 * candidate wins (the project's own entry points, then configured tools, then CI, then the
 * toolchain's standard command; see CommandOrigin); among equals, the detection listed first, then
 * the candidate its detection listed first. Nothing is ever filled in that no file says.
 */
import { COMMAND_KINDS, type CommandKind, type FoundCommand } from './types.js';
import { ORIGIN_RANK, type Candidate, type Detection } from './repo-view.js';

export interface Combined {
  packageManager: string | null;
  name: string | undefined;
  commands: Record<CommandKind, FoundCommand | null>;
  frameworks: string[];
  notes: string[];
  testPatterns: string[];
}

export function combineDetections(detections: readonly (Detection | null)[]): Combined {
  const present = detections.filter((detection): detection is Detection => detection !== null);
  return {
    packageManager: present.find((detection) => detection.packageManager)?.packageManager ?? null,
    name: present.find((detection) => detection.name)?.name,
    commands: bestCommands(present.flatMap((detection) => detection.candidates)),
    frameworks: unique(present.flatMap((detection) => detection.frameworks)),
    notes: unique(present.flatMap((detection) => detection.notes)),
    testPatterns: unique(present.flatMap((detection) => detection.testPatterns)),
  };
}

/** The strongest candidate per kind; candidates arrive in preference order, and the sort is stable. */
export function bestCommands(candidates: readonly Candidate[]): Record<CommandKind, FoundCommand | null> {
  const ranked = [...candidates].sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin]);
  const commands = Object.fromEntries(COMMAND_KINDS.map((kind) => [kind, null])) as Record<CommandKind, FoundCommand | null>;
  for (const kind of COMMAND_KINDS) {
    const best = ranked.find((candidate) => candidate.kind === kind);
    if (best) commands[kind] = { command: best.command, source: best.source };
  }
  return commands;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
