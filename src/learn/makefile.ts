/**
 * The explicit targets a Makefile defines, read from its rule lines. Pattern rules (`%.o: %.c`),
 * special targets (`.PHONY`), variable assignments (`CC := gcc`, `test: CFLAGS += -g`), recipe lines,
 * `define` blocks and targets built from variables (`$(BIN):`) are not targets anyone types.
 */
const ASSIGNMENT = /^\s*[A-Za-z_][A-Za-z0-9_.-]*\s*(?:\+|\?|:|::|!)?=/;
const DIRECTIVE = /^\s*(?:-?include|sinclude|export|unexport|override|vpath|ifeq|ifneq|ifdef|ifndef|else|endif|undefine)\b/;

export function parseMakeTargets(text: string): string[] {
  const targets: string[] = [];
  const seen = new Set<string>();
  let inDefine = false;
  for (const line of joinContinuations(text)) {
    if (inDefine) {
      if (/^\s*endef\b/.test(line)) inDefine = false;
      continue;
    }
    if (/^\s*define\b/.test(line)) {
      inDefine = true;
      continue;
    }
    if (line.startsWith('\t') || line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (ASSIGNMENT.test(line) || DIRECTIVE.test(line)) continue;
    const colon = ruleColon(line);
    if (colon === -1) continue;
    const afterColon = line.slice(colon).replace(/^::?/, '');
    if (ASSIGNMENT.test(afterColon)) continue; // target-specific variable, not a rule of its own
    for (const name of line.slice(0, colon).trim().split(/\s+/)) {
      if (!isPlainTarget(name) || seen.has(name)) continue;
      seen.add(name);
      targets.push(name);
    }
  }
  return targets;
}

function joinContinuations(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    if (raw.endsWith('\\')) {
      pending += raw.slice(0, -1) + ' ';
      continue;
    }
    lines.push(pending + raw);
    pending = '';
  }
  if (pending !== '') lines.push(pending);
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
