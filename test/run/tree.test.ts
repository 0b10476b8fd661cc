/** The run's supervision tree (src/run/tree.ts): which actors a run starts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { ConfigSchema } from '../../protocol/config.js';
import type { SupervisorSpec, WorkerSpec } from '../../supervisor/child-spec.js';
import { runTree } from '../../src/run/tree.js';
import { runPaths } from '../../src/util/paths.js';

const config = v.parse(ConfigSchema, {
  version: 1,
  providers: { sim: { type: 'sim' } },
  roles: [{ name: 'be', provider: 'sim' }, { name: 'qa', provider: 'sim' }],
});

function ids(spec: SupervisorSpec | WorkerSpec): string[] {
  return spec.type === 'worker' ? [spec.id] : [spec.id, ...spec.children.flatMap(ids)];
}

test('a run that must make its plan starts a planner; one that has its plan does not', () => {
  const base = { config, runId: 'r1', paths: runPaths('/tmp/project', 'r1'), roles: [{ name: 'be', crashOnStart: false }], board: { eventsFile: '/tmp/e.jsonl' } as never };
  assert.deepEqual(ids(runTree(base)), ['loop', 'board', 'work', 'gate', 'planner', 'role/be', 'sme/be', 'critic']);
  assert.deepEqual(ids(runTree({ ...base, planner: true })), ids(runTree(base)));
  assert.deepEqual(ids(runTree({ ...base, planner: false })), ['loop', 'board', 'work', 'gate', 'role/be', 'sme/be', 'critic']);
});
