/**
 * Task runners besides make: a justfile's recipes (`just test`) and a Taskfile's tasks
 * (`task lint`, go-task) are the project's own entry points, named like Makefile targets.
 */
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import type { CommandKind } from './types.js';
import { emptyDetection, lineAt, sourceAt, type Detection, type RepoView } from './repo-view.js';

const JUSTFILES = ['justfile', 'Justfile', '.justfile'];
const TASKFILES = ['Taskfile.yml', 'Taskfile.yaml', 'taskfile.yml', 'taskfile.yaml'];

/** Recipe and task names per command, preferred first. */
const NAMES: readonly [CommandKind, readonly string[]][] = [
  ['test', ['test', 'tests', 'check', 'unit']],
  ['build', ['build', 'compile']],
  ['lint', ['lint', 'vet', 'clippy']],
  ['format', ['fmt', 'format', 'fmt-check', 'format-check']],
];

interface Entry {
  name: string;
  line: number;
}

export function detectJust(repo: RepoView): Detection | null {
  const file = JUSTFILES.find((name) => repo.has(name));
  const text = file ? repo.read(file) : undefined;
  if (!file || text === undefined) return null;
  return entriesDetection(justRecipes(text), (name) => `just ${name}`, file, 'recipe');
}

export function detectTaskfile(repo: RepoView): Detection | null {
  const file = TASKFILES.find((name) => repo.has(name));
  const text = file ? repo.read(file) : undefined;
  if (!file || text === undefined) return null;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, logLevel: 'silent' });
  if (doc.errors.length > 0) {
    const detection = emptyDetection();
    detection.notes.push(`${file} could not be read as YAML (${doc.errors[0]!.message.split('\n')[0]}); its tasks were not used.`);
    return detection;
  }
  const tasks = isMap(doc.contents) ? doc.contents.get('tasks', true) : undefined;
  const entries: Entry[] = [];
  if (isMap(tasks)) {
    for (const pair of tasks.items) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && pair.key.range) {
        entries.push({ name: pair.key.value, line: lines.linePos(pair.key.range[0]).line });
      }
    }
  }
  return entriesDetection(entries, (name) => `task ${name}`, file, 'task');
}

function entriesDetection(entries: Entry[], command: (name: string) => string, file: string, noun: string): Detection {
  const detection = emptyDetection();
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  for (const [kind, names] of NAMES) {
    const entry = names.map((name) => byName.get(name)).find((found) => found !== undefined);
    if (entry) detection.candidates.push({ kind, origin: 'entry', command: command(entry.name), source: sourceAt(file, entry.line, `${noun} ${entry.name}`) });
  }
  return detection;
}

/**
 * Recipes a bare `just <name>` can run: `name params…:` at the start of a line, not an assignment
 * (`x := y`), not private (`_name`), and without a parameter that has no default.
 */
export function justRecipes(text: string): Entry[] {
  const recipes: Entry[] = [];
  for (const match of text.matchAll(/^@?([A-Za-z][A-Za-z0-9_-]*)((?:[ \t]+[^\s:]+)*)[ \t]*:(?!=)/gm)) {
    const params = match[2]!.trim().split(/\s+/).filter((word) => word !== '');
    const needsArgument = params.some((param) => !param.includes('=') && !param.startsWith('*'));
    if (!needsArgument) recipes.push({ name: match[1]!, line: lineAt(text, match.index) });
  }
  return recipes;
}
