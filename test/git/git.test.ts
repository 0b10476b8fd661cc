import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitEnv, LOOP_COMMIT_ENV, refreshGitEnv } from '../../src/git/git.js';

test('the git environment is built once per process, per extra object, and again after refreshGitEnv', (t) => {
  const first = gitEnv();
  assert.equal(gitEnv(), first, 'the same object for every call');
  assert.ok(Object.isFrozen(first), 'shared, so frozen');
  assert.equal(first['LC_ALL'], 'C');
  const commit = gitEnv(LOOP_COMMIT_ENV);
  assert.equal(gitEnv(LOOP_COMMIT_ENV), commit);
  assert.equal(commit['GIT_AUTHOR_NAME'], 'loop');
  assert.equal(commit['LC_ALL'], 'C');

  const saved = process.env['GIT_DIR'];
  t.after(() => {
    if (saved === undefined) delete process.env['GIT_DIR'];
    else process.env['GIT_DIR'] = saved;
    delete process.env['LOOP_GIT_ENV_TEST'];
    refreshGitEnv();
  });
  process.env['LOOP_GIT_ENV_TEST'] = 'seen';
  process.env['GIT_DIR'] = '/elsewhere/.git';
  assert.equal(gitEnv()['LOOP_GIT_ENV_TEST'], undefined, 'a change of process.env is not seen before a refresh');
  refreshGitEnv();
  const refreshed = gitEnv();
  assert.notEqual(refreshed, first);
  assert.equal(refreshed['LOOP_GIT_ENV_TEST'], 'seen');
  assert.equal(refreshed['GIT_DIR'], undefined, 'still scrubbed');
  assert.equal(gitEnv(LOOP_COMMIT_ENV)['LOOP_GIT_ENV_TEST'], 'seen', 'the extras are built again too');
});
