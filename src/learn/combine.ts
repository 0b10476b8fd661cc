/**
 * Merges what each ecosystem's manifests said into one answer. Detections come in priority order
 * (package.json, Python, Go, Cargo, Makefile, Gradle, Maven, CI); for each command the first one
 * that names it wins, so nothing is ever filled in that no file says.
 */
import { COMMAND_KINDS, type CommandKind, type FoundCommand } from './types.js';
import type { Detection } from './repo-view.js';

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
  const commands = Object.fromEntries(COMMAND_KINDS.map((kind) => [kind, null])) as Record<CommandKind, FoundCommand | null>;
  for (const kind of COMMAND_KINDS) {
    commands[kind] = present.find((detection) => detection.commands[kind])?.commands[kind] ?? null;
  }
  return {
    packageManager: present.find((detection) => detection.packageManager)?.packageManager ?? null,
    name: present.find((detection) => detection.name)?.name,
    commands,
    frameworks: unique(present.flatMap((detection) => detection.frameworks)),
    notes: unique(present.flatMap((detection) => detection.notes)),
    testPatterns: unique(present.flatMap((detection) => detection.testPatterns)),
  };
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
