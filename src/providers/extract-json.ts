/**
 * Finds JSON in an agent's prose answer: fenced ```json blocks first, then other fences without a
 * language, then every balanced {...} or [...] in order of appearance that parses.
 */

const FENCE = /```[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)```/g;

/** The first JSON value found in the text; undefined if none parses. */
export function extractJson(text: string): unknown {
  for (const value of jsonCandidates(text)) return value;
  return undefined;
}

/** Every JSON value found in the text, best candidates first. */
export function* jsonCandidates(text: string): Generator<unknown> {
  const fences = [...text.matchAll(FENCE)].map((match) => ({ lang: (match[1] ?? '').toLowerCase(), body: match[2] ?? '' }));
  for (const wanted of [(lang: string) => lang === 'json' || lang === 'jsonc', (lang: string) => lang === '']) {
    for (const fence of fences.filter((f) => wanted(f.lang))) {
      const value = tryParse(fence.body.trim());
      if (value !== undefined) yield value;
    }
  }
  yield* balancedValues(text);
}

function* balancedValues(text: string): Generator<unknown> {
  let from = 0;
  for (;;) {
    const start = nextOpening(text, from);
    if (start === -1) return;
    const end = matchingEnd(text, start);
    const value = end === -1 ? undefined : tryParse(text.slice(start, end + 1));
    if (value !== undefined) {
      yield value;
      from = end + 1;
    } else {
      from = start + 1; // "{not json {"a":1}}": the inner object may still parse
    }
  }
}

function nextOpening(text: string, from: number): number {
  const brace = text.indexOf('{', from);
  const bracket = text.indexOf('[', from);
  if (brace === -1) return bracket;
  if (bracket === -1) return brace;
  return Math.min(brace, bracket);
}

/** Index of the bracket closing the one at `start`, skipping brackets inside strings; -1 if unbalanced. */
function matchingEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') stack.push('}');
    else if (char === '[') stack.push(']');
    else if (char === '}' || char === ']') {
      if (stack.pop() !== char) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

function tryParse(candidate: string): unknown {
  if (candidate === '') return undefined;
  try {
    return JSON.parse(candidate) as unknown;
  } catch {
    return undefined;
  }
}
