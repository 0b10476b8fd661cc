/**
 * machine-limits §2.5: with pooled worktrees, `checkout -b <task> main` racing a merge into main
 * sometimes moved the branch to the new main while index and files stayed at the old one, and the
 * next capture committed a silent revert. Slots are re-pointed at SHAs, so this must never happen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fixture, git, writeFiles } from './support.js';
import { GIT_ENV } from '../helpers/temp.js';
import { resolveSha } from '../../src/git/repo.js';
import { captureWork } from '../../src/git/capture.js';
import { advanceRef, mergeInScratch } from '../../src/git/merge.js';
import { ensureIntegrationBranch } from '../../src/git/integration.js';

const ROUNDS = 6;

test('two slots re-pointed while another task merges and the user commits never mix commits or revert work', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`src/module-${i}.js`] = `export const value${i} = ${i};\n`;
  const f = fixture(t, files);
  const pool = f.pool();
  const integration = await ensureIntegrationBranch(f.repo, 'run1', { branch: 'main' });
  const [a, b, scratch] = [await pool.acquire('task'), await pool.acquire('task'), await pool.acquire('scratch')];

  // the user keeps committing on main in their own checkout the whole time (another process)
  const user = spawn('sh', ['-c', 'i=0; while :; do echo $i > user.txt; git add user.txt; git commit -q -m "user $i" || exit 1; i=$((i+1)); sleep 0.05; done'], {
    cwd: f.repo,
    env: { ...process.env, ...GIT_ENV },
    stdio: 'ignore',
    detached: true,
  });
  const userDone = new Promise<void>((resolve) => user.on('exit', () => resolve()));
  const stopUser = async () => {
    try {
      process.kill(-user.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await userDone;
  };

  try {
    let pending: string | null = null;
    for (let round = 1; round <= ROUNDS; round++) {
      const sha = await resolveSha(f.repo, integration.ref);
      const mergePrevious = async () => {
        if (pending === null) return;
        for (;;) {
          const result = await mergeInScratch({ repo: f.repo, scratch, pool, integrationRef: integration.ref, taskCommit: pending, message: `merge round ${round - 1}` });
          assert.ok(result.ok, 'no conflicts: every task writes its own file');
          if (await advanceRef(f.repo, integration.ref, result.sha, result.baseSha)) break;
        }
      };
      // the integration branch moves while both slots are re-pointed
      await Promise.all([
        pool.pointAt(a, { sha, branch: `loop/run1/a${round}` }),
        pool.pointAt(b, { sha, branch: `loop/run1/b${round}` }),
        mergePrevious(),
      ]);
      for (const slot of [a, b]) {
        assert.equal(git(slot.path, ['rev-parse', 'HEAD']), sha, `${slot.id} HEAD is the SHA it was pointed at`);
        assert.equal(git(slot.path, ['status', '--porcelain']), '', `${slot.id} index and files match HEAD`);
      }
      writeFiles(a.path, { [`work/a${round}.txt`]: `a ${round}\n` });
      writeFiles(b.path, { [`work/b${round}.txt`]: `b ${round}\n` });
      const [workA, workB] = await Promise.all([
        captureWork(a.path, { baseSha: sha, message: `a${round}` }),
        captureWork(b.path, { baseSha: sha, message: `b${round}` }),
      ]);
      assert.deepEqual(workA.changedFiles, [`work/a${round}.txt`], 'the capture holds only the task\'s own change (no silent revert)');
      assert.deepEqual(workB.changedFiles, [`work/b${round}.txt`]);
      pending = workA.commit;
    }
  } finally {
    // before the fixture removes the repository
    await stopUser();
  }
  const final = await resolveSha(f.repo, integration.ref);
  const tree = git(f.repo, ['ls-tree', '-r', '--name-only', final]).split('\n');
  for (let round = 1; round < ROUNDS; round++) assert.ok(tree.includes(`work/a${round}.txt`), `round ${round}'s merged work is on the integration branch`);
  assert.equal(tree.some((name) => name.startsWith('work/b')), false);
});
