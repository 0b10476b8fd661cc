/**
 * The explicit targets a Makefile defines, read from its rule lines. Pattern rules (`%.o: %.c`),
 * special targets (`.PHONY`), variable assignments (`CC := gcc`, `test: CFLAGS += -g`), recipe lines,
 * `define` blocks and targets built from variables (`$(BIN):`) are not targets anyone types.
 * Also reads Makefile.am and Makefile.in, which share the syntax.
 */
const ASSIGNMENT = /^\s*[A-Za-z_][A-Za-z0-9_.-]*\s*(?:\+|\?|:|::|!)?=/;
const DIRECTIVE = /^\s*(?:-?include|sinclude|export|unexport|override|vpath|ifeq|ifneq|ifdef|ifndef|else|endif|undefine)\b/;

export interface MakeRule {
  name: string;
  /** 1-based line of the rule (its first line when continued). */
  line: number;
  prerequisites: string[];
  /** The recipe's lines, tabs stripped. */
  recipe: string[];
}

export function parseMakeTargets(text: string): string[] {
  return parseMakeRules(text).map((rule) => rule.name);
}

/** Rules in file order; a target defined twice keeps its first line and gathers all prerequisites and recipes. */
export function parseMakeRules(text: string): MakeRule[] {
  const rules = new Map<string, MakeRule>();
  let current: MakeRule[] = [];
  let inDefine = false;
  for (const { text: line, number } of joinContinuations(text)) {
    if (inDefine) {
      if (/^\s*endef\b/.test(line)) inDefine = false;
      continue;
    }
    if (/^\s*define\b/.test(line)) {
      inDefine = true;
      continue;
    }
    if (line.startsWith('\t')) {
      for (const rule of current) rule.recipe.push(line.trim());
      continue;
    }
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    current = [];
    if (ASSIGNMENT.test(line) || DIRECTIVE.test(line)) continue;
    const colon = ruleColon(line);
    if (colon === -1) continue;
    const afterColon = line.slice(colon).replace(/^::?/, '');
    if (ASSIGNMENT.test(afterColon)) continue; // target-specific variable, not a rule of its own
    const [prerequisiteText = '', inlineRecipe] = splitInlineRecipe(afterColon);
    const prerequisites = prerequisiteText.replace(/#.*$/, '').trim().split(/\s+/).filter((word) => word !== '' && word !== '|');
    for (const name of line.slice(0, colon).trim().split(/\s+/)) {
      if (!isPlainTarget(name)) continue;
      const rule = rules.get(name) ?? { name, line: number, prerequisites: [], recipe: [] };
      rule.prerequisites.push(...prerequisites);
      if (inlineRecipe) rule.recipe.push(inlineRecipe);
      rules.set(name, rule);
      current.push(rule);
    }
  }
  return [...rules.values()];
}

function splitInlineRecipe(afterColon: string): [string, string | undefined] {
  const semicolon = afterColon.indexOf(';');
  return semicolon === -1 ? [afterColon, undefined] : [afterColon.slice(0, semicolon), afterColon.slice(semicolon + 1).trim() || undefined];
}

function joinContinuations(text: string): { text: string; number: number }[] {
  const lines: { text: string; number: number }[] = [];
  let pending = '';
  let start = 0;
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    if (pending === '') start = i + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    lines.push({ text: pending + line, number: start });
    pending = '';
  }
  if (pending !== '') lines.push({ text: pending, number: start });
  return lines;
}

/** Index of the rule's `:` (not `:=`, and not inside `$(...)`), or -1. */
function ruleColon(line: string): number {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '(' || c === '{') depth += 1;
    else if (c === ')' || c === '}') depth -= 1;
    else if (c === '#' && depth === 0) return -1;
    else if (c === ':' && depth === 0) return line[i + 1] === '=' ? -1 : i;
  }
  return -1;
}

function isPlainTarget(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !name.includes('%') && !name.includes('$') && !name.includes('/');
}

/** Literal `include` paths of a Makefile (`include Makefile.common`); ones built from variables are skipped. */
export function makeIncludes(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*-?(?:include|sinclude)\s+(.+)$/gm)) {
    for (const path of match[1]!.replace(/#.*$/, '').trim().split(/\s+/)) if (path !== '' && !path.includes('$')) found.push(path);
  }
  return found;
}
