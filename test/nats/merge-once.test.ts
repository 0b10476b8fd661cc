/**
 * A merge's effect is idempotent through redelivery, against a real nats-server and real git: the
 * consumer that took a merge job dies right after the integration branch advanced and before it
 * answered or acknowledged (simulated by pulling the job, doing the effect and dropping the
 * message); when its lease runs out the merge queue hands the job to the next consumer, which
 * finds the change already on the branch and records it as merged without merging it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { MergeResult, Result } from '../../protocol/index.js';
import { advanceRef, mergeInObjectStore } from '../../src/git/merge.js';
import { resolveSha } from '../../src/git/repo.js';
import { connectNats } from '../../src/nats/connect.js';
import { Dispatcher, ensureQueue, ensureWorkStream } from '../../src/nats/dispatch.js';
import { mergeOnce, type MergeRequest } from '../../src/nats/merge-once.js';
import { mergeQueue, queueConsumer, WORK_STREAM } from '../../src/nats/names.js';
import { runWorkerLoop } from '../../src/nats/worker-pull.js';
import { startNatsServer } from '../helpers/nats-server.js';
import { git, tempRepo, writeFiles } from '../helpers/temp.js';

const REF = 'refs/heads/loop/r1/integration';

function repoWithChange(t: Parameters<typeof tempRepo>[0]): { repo: string; commit: string } {
  const repo = tempRepo(t, { 'README.md': '# project\n' });
  git(repo, ['update-ref', REF, 'HEAD']);
  git(repo, ['checkout', '-q', '-b', 'loop/r1/t1']);
  writeFiles(repo, { 'feature.txt': 'the change\n' });
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'the change']);
  const commit = git(repo, ['rev-parse', 'HEAD']);
  git(repo, ['checkout', '-q', 'main']);
  return { repo, commit };
}

const request = (repo: string, commit: string): MergeRequest => ({
  type: 'merge', runId: 'r1', taskId: 't1', attempt: 1, repoPath: repo, gateWorkdirs: [], integrationRef: REF, taskCommit: commit,
  testCommand: null, setupCommand: null, testTimeoutMs: 60_000, logFile: '/dev/null', message: 'loop: merge t1', repo: 'project', maxTrain: 4, onTheWay: [], arriving: [], trainWait: 'auto',
});

test('a merge job redelivered after its consumer died between the merge and the ack is recorded as merged, not merged twice', async (t) => {
  const server = await startNatsServer(t);
  const { repo, commit } = repoWithChange(t);
  const nc = await connectNats(server.supervisor, 'test supervisor');
  t.after(() => nc.close());
  const jsm = await jetstreamManager(nc);
  await ensureWorkStream(jsm);
  const queue = mergeQueue('r1', 'project');
  await ensureQueue(jsm, queue, { ackWaitMs: 1_500, maxDeliver: 3, maxAckPending: 1 });
  let merges = 0;
  /** The gate's merge, reduced to its effect: merge onto the head and advance the branch. */
  const merge = async (body: MergeRequest): Promise<Result> => {
    merges += 1;
    const head = await resolveSha(repo, REF);
    const merged = await mergeInObjectStore(repo, head, body.taskCommit!, body.message);
    assert.ok(merged?.ok);
    assert.ok(await advanceRef(repo, REF, merged.sha, head));
    const value: MergeResult = { ok: true, sha: merged.sha, summary: 'merged', durationMs: 1 };
    return { tag: 'ok', value };
  };

  const dispatcher = new Dispatcher(nc, jetstream(nc), jsm);
  t.after(() => dispatcher.close());
  const reply = dispatcher.dispatch(queue, { runId: 'r1', job: 't1-merge', body: request(repo, commit) }, { timeoutMs: 120_000 });

  // The first consumer: takes the job, merges, and dies before answering or acknowledging.
  const first = await (await jetstream(nc).consumers.get(WORK_STREAM, queueConsumer(queue))).next({ expires: 30_000 });
  assert.ok(first, 'the first consumer got the job');
  await mergeOnce(first.json<{ body: MergeRequest }>().body, merge);
  const afterFirst = await resolveSha(repo, REF);

  // The next consumer gets it once the lease ran out (one merge in flight: not before).
  const stop = new AbortController();
  const consumer = runWorkerLoop({
    nc, worker: 'second', queues: [queue], slots: 1, signal: stop.signal, pullMs: 1_000,
    handle: (_queue, job) => mergeOnce(job.body as MergeRequest, merge),
  });
  t.after(async () => {
    stop.abort();
    await consumer;
  });
  const answer = await reply;
  assert.equal(answer.kind, 'result', JSON.stringify(answer));
  assert.ok(answer.kind === 'result');
  assert.equal(answer.worker, 'second');
  assert.equal(answer.delivery, 2);
  const value = (answer.result as { tag: 'ok'; value: MergeResult }).value;
  assert.equal(value.ok, true);
  assert.match(value.summary, /t1 is already on loop\/r1\/integration \(its merge was delivered again\): recorded, not merged twice/);
  assert.equal(value.sha, afterFirst, 'the recorded merge is the one the first consumer made');
  assert.equal(merges, 1, 'the effect ran once');
  assert.equal(await resolveSha(repo, REF), afterFirst, 'the branch did not move again');
  assert.equal(git(repo, ['rev-list', '--count', '--merges', `main..${REF}`]), '1', 'one merge commit of the change');
});

test('a change not yet on the integration branch is merged', async (t) => {
  const { repo, commit } = repoWithChange(t);
  let merges = 0;
  const result = await mergeOnce(request(repo, commit), async () => {
    merges += 1;
    return { tag: 'ok', value: { ok: true, sha: null, summary: 'merged', durationMs: 1 } };
  });
  assert.equal(merges, 1);
  assert.equal((result as { value: MergeResult }).value.summary, 'merged');
});
