/**
 * Finding a child anywhere in the tree by id, and whether a caller should wait for it, use it, or
 * give up on it. Sub-supervisors are replaced by new nodes when restarted, so lookups walk the live
 * nodes along the child's path (precomputed from the spec), never a cached record.
 */
import type { NormalizedSupervisorSpec } from './child-spec.js';
import type { SupervisorNode } from './node.js';
import type { ChildRecord, ChildStatus, WorkerRecord } from './records.js';

export type Availability =
  | { readonly state: 'running'; readonly record: ChildRecord }
  | { readonly state: 'pending' }
  | { readonly state: 'gone'; readonly reason: string }
  | { readonly state: 'unknown' };

/** id → the ids of the sub-supervisors between the root and the child's owner, and the child's type. */
export type TreePaths = ReadonlyMap<string, { readonly above: readonly string[]; readonly type: 'worker' | 'supervisor' }>;

export function treePaths(root: NormalizedSupervisorSpec): TreePaths {
  const paths = new Map<string, { above: readonly string[]; type: 'worker' | 'supervisor' }>();
  const visit = (spec: NormalizedSupervisorSpec, above: readonly string[]): void => {
    for (const child of spec.children) {
      paths.set(child.id, { above, type: child.type });
      if (child.type === 'supervisor') visit(child, [...above, child.id]);
    }
  };
  visit(root, []);
  return paths;
}

/** The record of `id` in the newest incarnation of its owner, or the nearest ancestor record that has no live node. */
function descend(root: SupervisorNode, paths: TreePaths, id: string): { record: ChildRecord; exact: boolean } | undefined {
  const path = paths.get(id);
  if (path === undefined) return undefined;
  let node = root;
  for (const supervisorId of path.above) {
    const record = node.records.find((r) => r.id === supervisorId);
    if (record === undefined || record.type !== 'supervisor') return undefined;
    if (record.node === null || record.status === 'idle' || record.status === 'backoff') return { record, exact: false };
    node = record.node;
  }
  const record = node.records.find((r) => r.id === id);
  return record === undefined ? undefined : { record, exact: true };
}

export function availability(root: SupervisorNode, paths: TreePaths, id: string): Availability {
  if (root.state === 'stopping' || root.state === 'stopped') return { state: 'gone', reason: 'the supervision tree is stopped' };
  if (!paths.has(id)) return { state: 'unknown' };
  let node = root;
  for (const supervisorId of [...paths.get(id)!.above, id]) {
    const record = node.records.find((r) => r.id === supervisorId);
    if (record === undefined) return { state: 'unknown' };
    const own = ofRecord(record);
    if (supervisorId === id) return own;
    if (own.state === 'gone') return { state: 'gone', reason: `its supervisor "${supervisorId}" ${own.reason}` };
    if (own.state !== 'running' || record.type !== 'supervisor' || record.node === null) return own;
    node = record.node;
  }
  return { state: 'unknown' };
}

function ofRecord(record: ChildRecord): Availability {
  switch (record.status) {
    case 'running': {
      const up = record.type === 'worker' ? record.proc?.alive === true : record.node?.state === 'running';
      // Dead but its exit not handled yet: the supervisor is about to decide.
      return up ? { state: 'running', record } : { state: 'pending' };
    }
    case 'idle': case 'starting': case 'backoff': case 'stopping':
      return { state: 'pending' };
    case 'exited':
      return { state: 'gone', reason: `exited (${record.lastReason || 'stopped'}) and will not be restarted` };
    case 'gave-up':
      return { state: 'gone', reason: `gave up: reached its maximum restart intensity (${record.lastReason || 'no reason'})` };
  }
}

export function statusOf(root: SupervisorNode, paths: TreePaths, id: string): ChildStatus | undefined {
  const found = descend(root, paths, id);
  if (found === undefined) return undefined;
  const { record, exact } = found;
  if (record.status === 'idle') return 'starting';
  // A child of a sub-supervisor that waits for its restart shares that wait.
  if (!exact && record.status === 'gave-up') return 'exited';
  return record.status;
}

export function workerRecord(root: SupervisorNode, paths: TreePaths, id: string): WorkerRecord | undefined {
  const found = descend(root, paths, id);
  return found?.exact === true && found.record.type === 'worker' ? found.record : undefined;
}
