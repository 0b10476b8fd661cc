/** Gate actor process: the generic gate policy wired to src/gate (tamper guard, tests) and src/git (capture, merge). */
import { join } from 'node:path';
import { createGateActor } from '../../../actors/gate.js';
import { captureWork } from '../../git/capture.js';
import { git } from '../../git/git.js';
import { detachOwnSlot } from '../../git/slot-reset.js';
import { loopHome } from '../../util/paths.js';
import { advanceRef, mergeAt, mergeInObjectStore } from '../../git/merge.js';
import { resolveSha } from '../../git/repo.js';
import { checkTamper } from '../../gate/tamper.js';
import { runTests } from '../../gate/test-runner.js';

/** The gate's scratch and baseline slots live under $LOOP_HOME/worktrees, never in the user's checkout. */
const pointOwnSlot = async (workdir: string, sha: string): Promise<void> => {
  await detachOwnSlot(workdir, sha, join(loopHome(), 'worktrees'));
};

export default createGateActor({
  async capture(workdir, baseSha, message) {
    const work = await captureWork(workdir, { baseSha, message });
    return { commit: work.commit, changedFiles: work.changedFiles, tree: work.tree };
  },
  async tamper(repo, baseSha, commit, spec) {
    const verdict = await checkTamper(repo, baseSha, commit, spec);
    return { ok: verdict.ok, violations: verdict.violations };
  },
  tree: (repo, commit) => git(repo, ['rev-parse', `${commit}^{tree}`]),
  async runTests(options) {
    const run = await runTests(options);
    return { status: run.status, failures: run.failures, evidence: run.evidence, durationMs: run.durationMs };
  },
  checkout: pointOwnSlot,
  async merge({ repo, scratch, baseSha, commit, message }) {
    let merged = await mergeInObjectStore(repo, baseSha, commit, message);
    if (merged === null) {
      // An older git: merge in the scratch slot instead.
      await pointOwnSlot(scratch, baseSha);
      merged = await mergeAt(scratch, baseSha, commit, message);
    }
    return merged.ok ? { ok: true, sha: merged.sha, tree: merged.tree } : { ok: false, files: merged.conflict.files, message: merged.conflict.message };
  },
  resolve: resolveSha,
  advance: advanceRef,
});
