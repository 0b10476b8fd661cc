/** Reads the config schema itself: which keys an object allows, and what numbers a key accepts. */
import { ConfigSchema } from '../../protocol/config.js';
import type { KeyPath } from './source-map.js';

interface SchemaLike {
  type: string;
  wrapped?: SchemaLike;
  entries?: Record<string, SchemaLike>;
  item?: SchemaLike;
  value?: SchemaLike;
  pipe?: ReadonlyArray<{ kind: string; type: string; requirement?: unknown }>;
  options?: ReadonlyArray<SchemaLike>;
}

function unwrap(schema: SchemaLike | undefined): SchemaLike | undefined {
  let current = schema;
  while (current && (current.type === 'optional' || current.type === 'nullable' || current.type === 'nullish') && current.wrapped) {
    current = current.wrapped;
  }
  return current;
}

/** The schema of the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(path: KeyPath): SchemaLike | undefined {
  let schema = unwrap(ConfigSchema as unknown as SchemaLike);
  for (const segment of path) {
    if (!schema) return undefined;
    if (schema.entries) schema = unwrap(schema.entries[String(segment)]);
    else if (schema.item) schema = unwrap(schema.item);
    else if (schema.value) schema = unwrap(schema.value);
    else return undefined;
  }
  return schema;
}

/**
 * Every key the schema does not allow, anywhere in `value` (valibot's strictObject stops at the
 * first unknown key of an object; users want all their typos at once).
 */
export function findUnknownKeys(value: unknown, path: (string | number)[] = [], schema = schemaAt([])): (string | number)[][] {
  if (!schema || value === null || typeof value !== 'object') return [];
  const found: (string | number)[][] = [];
  if (Array.isArray(value)) {
    if (schema.item) value.forEach((item, index) => found.push(...findUnknownKeys(item, [...path, index], unwrap(schema.item))));
    return found;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (schema.entries) {
      const entry = schema.entries[key];
      if (entry === undefined) found.push([...path, key]);
      else found.push(...findUnknownKeys(child, [...path, key], unwrap(entry)));
    } else if (schema.value) {
      found.push(...findUnknownKeys(child, [...path, key], unwrap(schema.value)));
    }
  }
  return found;
}

/** Keys the object at `path` accepts (empty when it is not a fixed-key object). */
export function allowedKeys(path: KeyPath): string[] {
  return Object.keys(schemaAt(path)?.entries ?? {});
}

/** "a whole number of 1 or more", "a number greater than 0", "a whole number between 1 and 65535". */
export function describeNumberRule(path: KeyPath): string {
  const schema = schemaAt(path);
  // `"auto" | seconds`: the rule is the number's
  const numeric = schema?.type === 'union' ? schema.options?.find((option) => option.pipe?.some((a) => a.type === 'number')) : schema;
  const actions = numeric?.pipe ?? [];
  const whole = actions.some((a) => a.type === 'integer');
  const min = actions.find((a) => a.type === 'min_value')?.requirement;
  const greater = actions.find((a) => a.type === 'gt_value')?.requirement;
  const max = actions.find((a) => a.type === 'max_value')?.requirement;
  const base = whole ? 'a whole number' : 'a number';
  if (min !== undefined && max !== undefined) return `${base} between ${String(min)} and ${String(max)}`;
  if (min !== undefined) return `${base} of ${String(min)} or more`;
  if (greater !== undefined) return `${base} greater than ${String(greater)}`;
  if (max !== undefined) return `${base} of at most ${String(max)}`;
  return base;
}
