/** Gate actor process: the generic gate policy wired to src/git (capture, tamper guard, tests, merge). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createGateActor } from '../../../actors/gate.js';
import { captureWork } from '../../git/capture.js';
import { git, gitRaw, gitTry, LOOP_COMMIT_CONFIG, LOOP_COMMIT_ENV } from '../../git/git.js';
import { advanceRef } from '../../git/merge.js';
import { parsePorcelainZ, resolveSha } from '../../git/repo.js';
import { checkTamper } from '../../git/tamper.js';
import { runTests } from '../../git/test-runner.js';

/** Detaches one of loop's own slots at `sha` and removes untracked leftovers (never the user's checkout). */
async function pointOwnSlot(workdir: string, sha: string): Promise<void> {
  await gitTry(workdir, ['merge', '--abort']);
  const status = parsePorcelainZ(await gitRaw(workdir, ['status', '--porcelain=v1', '-z', '--untracked-files=all']));
  await git(workdir, ['-c', 'core.hooksPath=/dev/null', 'checkout', '-q', '-f', '--detach', sha]);
  for (const entry of status) if (entry.code === '??') rmSync(join(workdir, entry.path), { force: true, recursive: true });
}

export default createGateActor({
  capture: (workdir, baseSha, message) => captureWork(workdir, { baseSha, message }),
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
  async merge({ scratch, baseSha, commit, message }) {
    await pointOwnSlot(scratch, baseSha);
    const merged = await gitTry(scratch, [...LOOP_COMMIT_CONFIG, 'merge', '--no-ff', '--no-edit', '-m', message, commit], { env: LOOP_COMMIT_ENV });
    if (merged.ok) return { ok: true, sha: await git(scratch, ['rev-parse', 'HEAD']) };
    const conflicted = await gitTry(scratch, ['diff', '--name-only', '--diff-filter=U']);
    await gitTry(scratch, ['merge', '--abort']);
    const files = conflicted.stdout.split('\n').map((f) => f.trim()).filter(Boolean);
    return { ok: false, files, message: (merged.stderr || merged.stdout).trim().split('\n').slice(0, 20).join('\n') };
  },
  resolve: resolveSha,
  advance: advanceRef,
});
