/**
 * The 27 built-in SME disciplines, read from their data files (`src/roles/data/<name>.md`: YAML
 * front matter, then the prompt body). The files ship with the package and are never edited by
 * users, so a missing or malformed one is a bug in loop and throws with the file's path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../util/package-root.js';
import { DISCIPLINES, type BestFitProvider } from './disciplines.js';

export interface Discipline {
  name: string;
  title: string;
  provider: BestFitProvider;
  summary: string;
  /** The body markdown, front matter removed. */
  prompt: string;
}

/** The body's sections, in this order and no others. Guardrails come last so prompt.ts can extend them. */
export const DISCIPLINE_SECTIONS = ['Who you are', 'How you work', 'Definition of done', 'Guardrails'] as const;

const FrontMatterSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  title: v.pipe(v.string(), v.minLength(1)),
  provider: v.picklist(['claude', 'codex', 'gemini']),
  summary: v.pipe(v.string(), v.minLength(1), v.regex(/^[^\n]+$/, 'must be one line')),
});

export const disciplineDataDir = (): string => join(packageRoot(), 'src', 'roles', 'data');

let cached: Discipline[] | undefined;

/** Every discipline, in the order of disciplines.ts. Read once per process. */
export function listDisciplines(): Discipline[] {
  cached ??= loadDisciplines(disciplineDataDir());
  return cached;
}

export function getDiscipline(name: string): Discipline | undefined {
  return listDisciplines().find((d) => d.name === name);
}

/** Reads and checks one data file per entry of disciplines.ts from `dir`. */
export function loadDisciplines(dir: string): Discipline[] {
  return DISCIPLINES.map((info) => {
    const file = join(dir, `${info.name}.md`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`discipline data file ${file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    const discipline = parseDisciplineFile(file, text);
    if (discipline.name !== info.name || discipline.title !== info.title || discipline.provider !== info.provider) {
      throw new Error(
        `discipline data file ${file}: front matter {name: ${discipline.name}, title: ${discipline.title}, provider: ${discipline.provider}} ` +
          `disagrees with src/roles/disciplines.ts {name: ${info.name}, title: ${info.title}, provider: ${info.provider}}`,
      );
    }
    return discipline;
  });
}

/** Parses one data file; `file` only names it in errors. */
export function parseDisciplineFile(file: string, text: string): Discipline {
  const fail = (what: string): never => {
    throw new Error(`discipline data file ${file}: ${what}`);
  };
  const normalized = text.replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(normalized);
  if (!match) return fail('must start with YAML front matter between "---" lines');
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch (error) {
    return fail(`front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = v.safeParse(FrontMatterSchema, data);
  if (!result.success) return fail(`front matter: ${v.summarize(result.issues).replace(/\n/g, '; ')}`);
  const prompt = match[2]!.trim();
  const headings = [...prompt.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
  if (headings.join('|') !== DISCIPLINE_SECTIONS.join('|')) {
    fail(`body must have exactly the sections ${DISCIPLINE_SECTIONS.map((s) => `"## ${s}"`).join(', ')} in that order (found ${headings.map((h) => `"## ${h}"`).join(', ') || 'none'})`);
  }
  return { ...result.output, prompt };
}

/** The closest discipline name to a mistyped one, if any is close enough to be a plausible typo. */
export function suggestDiscipline(name: string): string | undefined {
  const wanted = name.toLowerCase();
  const prefixed = DISCIPLINES.filter((d) => wanted.length >= 2 && d.name.startsWith(wanted));
  if (prefixed.length === 1) return prefixed[0]!.name;
  let best: { name: string; distance: number } | undefined;
  for (const { name: candidate } of DISCIPLINES) {
    const distance = editDistance(wanted, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  const tolerance = Math.max(1, Math.floor(Math.max(wanted.length, best?.name.length ?? 0) / 3));
  return best && best.distance <= tolerance ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
