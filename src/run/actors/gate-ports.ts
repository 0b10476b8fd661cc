/**
 * The gate actor's asynchronous ports wired to src/gate (tamper guard, tests) and src/git (capture,
 * slots, merge); gate.ts loads this module on the first request that needs one.
 */
import { join } from 'node:path';
import type { GatePorts } from '../../../actors/gate.js';
import { captureWork } from '../../git/capture.js';
import { objectInfo } from '../../git/object-reader.js';
import { detachOwnSlot } from '../../git/slot-reset.js';
import { restoreSetupState } from '../../git/slot-state.js';
import { SetupError } from '../../git/slot-setup.js';
import { loopHome } from '../../util/paths.js';
import { advanceRef, mergeAt, mergeInObjectStore } from '../../git/merge.js';
import { resolveSha } from '../../git/repo.js';
import { checkTamper } from '../../gate/tamper.js';
import { runTests, type TestRun } from '../../gate/test-runner.js';

/** The gate's scratch and baseline slots and the agents' slots live under $LOOP_HOME/worktrees, never in the user's checkout. */
const poolDir = (): string => join(loopHome(), 'worktrees');

/** The name-status a capture read, kept for the tamper check of the same change (the ids make it immutable). */
const nameStatusOf = new Map<string, string>();

export const gatePorts: Omit<GatePorts<TestRun>, 'judge'> = {
  async capture(workdir, baseSha, message) {
    const work = await captureWork(workdir, { baseSha, message });
    if (work.commit !== null && work.nameStatus !== undefined) {
      nameStatusOf.set(`${baseSha}\0${work.commit}`, work.nameStatus);
      if (nameStatusOf.size > 64) nameStatusOf.delete(nameStatusOf.keys().next().value!);
    }
    return { commit: work.commit, changedFiles: work.changedFiles, tree: work.tree, ...(work.reviewDiff === undefined ? {} : { reviewDiff: work.reviewDiff }) };
  },
  async tamper(repo, baseSha, commit, spec) {
    const key = `${baseSha}\0${commit}`;
    const nameStatus = nameStatusOf.get(key);
    nameStatusOf.delete(key);
    const verdict = await checkTamper(repo, baseSha, commit, spec, nameStatus);
    return { ok: verdict.ok, violations: verdict.violations };
  },
  async tree(repo, commit) {
    const tree = await objectInfo(repo, `${commit}^{tree}`);
    if (tree === null) throw new Error(`${commit} names no commit in ${repo}`);
    return tree.sha;
  },
  async prepare({ workdir, commit, checkout, setupCommand }) {
    if (checkout) await detachOwnSlot(workdir, commit, poolDir());
    try {
      await restoreSetupState(workdir, { sha: commit, setupCommand, poolDir: poolDir() });
      return { ok: true };
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      return { ok: false, summary: `the setup command \`${setupCommand}\` failed on this change's lockfiles`, evidence: `${error.message}\n\nLast lines of its output:\n${error.log}` };
    }
  },
  runTests,
  async merge({ repo, scratch, baseSha, commit, message }) {
    let merged = await mergeInObjectStore(repo, baseSha, commit, message);
    if (merged === null) {
      // An older git: merge in the scratch slot instead (a merge ahead of its train has none).
      if (scratch === null) return null;
      await detachOwnSlot(scratch, baseSha, poolDir());
      merged = await mergeAt(scratch, baseSha, commit, message);
    }
    return merged.ok ? { ok: true, sha: merged.sha, tree: merged.tree } : { ok: false, files: merged.conflict.files, message: merged.conflict.message };
  },
  resolve: resolveSha,
  advance: advanceRef,
};
