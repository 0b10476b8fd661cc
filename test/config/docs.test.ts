/** docs/config.md is the user's reference: every key the schema accepts must be documented there. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigSchema } from '../../protocol/config.js';
import { packageRoot } from '../../src/util/package-root.js';

interface Walkable { type: string; wrapped?: Walkable; entries?: Record<string, Walkable>; item?: Walkable; value?: Walkable }

function keys(schema: Walkable | undefined, into: Set<string>): Set<string> {
  let current = schema;
  while (current?.wrapped) current = current.wrapped;
  if (!current) return into;
  for (const [key, child] of Object.entries(current.entries ?? {})) {
    into.add(key);
    keys(child, into);
  }
  if (current.item) keys(current.item, into);
  if (current.value) keys(current.value, into);
  return into;
}

test('every config key appears in docs/config.md', () => {
  const docs = readFileSync(join(packageRoot(), 'docs', 'config.md'), 'utf8');
  const missing = [...keys(ConfigSchema as unknown as Walkable, new Set())].filter((key) => !docs.includes(`\`${key}\``));
  assert.deepEqual(missing, []);
});
