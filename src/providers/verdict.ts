/**
 * The critic's verdict from its final text, the same way for every provider: the first JSON object
 * with a `verdict` field (fenced, bare, or amid prose), normalised to protocol's `Verdict`. The
 * anchor guessed from keywords and lost the reasons; here an answer without a readable verdict is
 * an error the critic actor can re-ask with.
 */
import type { Verdict } from '../../protocol/index.js';
import { jsonCandidates } from './extract-json.js';
import { isObject, type Json } from './parse-helpers.js';

const VERDICTS: Record<string, Verdict['verdict']> = { accept: 'accept', accepted: 'accept', reject: 'reject', rejected: 'reject' };
const YES = new Set(['true', 'yes', 'met']);
const NO = new Set(['false', 'no', 'not met', 'unmet']);

export function parseVerdict(text: string): { ok: true; verdict: Verdict } | { ok: false; error: string } {
  for (const candidate of jsonCandidates(text)) {
    const object = verdictObject(candidate);
    if (object) return normalise(object);
  }
  return { ok: false, error: 'the answer holds no JSON object with a "verdict" field' };
}

/** The object itself, an object one level down (`{"review": {...}}`), or the first such element of an array. */
function verdictObject(value: unknown): Json | undefined {
  const candidates = Array.isArray(value) ? value : [value];
  for (const candidate of candidates) {
    if (!isObject(candidate)) continue;
    if ('verdict' in candidate) return candidate;
    const nested = Object.values(candidate).find((inner) => isObject(inner) && 'verdict' in inner);
    if (nested) return nested as Json;
  }
  return undefined;
}

function normalise(object: Json): { ok: true; verdict: Verdict } | { ok: false; error: string } {
  const verdict = typeof object.verdict === 'string' ? VERDICTS[object.verdict.trim().toLowerCase()] : undefined;
  if (verdict === undefined) return { ok: false, error: `"verdict" must be "accept" or "reject", got ${JSON.stringify(object.verdict)}` };
  const reasons = toReasons(object.reasons ?? object.reason);
  if (reasons === undefined) return { ok: false, error: '"reasons" must be a string or a list of strings' };
  return { ok: true, verdict: { verdict, reasons, notes: toNotes(object.notes) } };
}

function toReasons(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (!Array.isArray(value)) return undefined;
  return value
    .map((item) => (typeof item === 'string' ? item.trim() : isObject(item) ? JSON.stringify(item) : String(item)))
    .filter((item) => item !== '');
}

/** Notes are optional detail: malformed entries are dropped rather than failing the verdict. */
function toNotes(value: unknown): Verdict['notes'] {
  if (!Array.isArray(value)) return [];
  const notes: Verdict['notes'] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.criterion !== 'string') continue;
    const met = toBoolean(item.met);
    if (met === undefined) continue;
    notes.push(typeof item.note === 'string' ? { criterion: item.criterion, met, note: item.note } : { criterion: item.criterion, met });
  }
  return notes;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return YES.has(word) ? true : NO.has(word) ? false : undefined;
}
