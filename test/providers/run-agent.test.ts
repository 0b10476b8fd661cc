import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupMembers, signalGroup } from '../../supervisor/process-group.js';
import { runAgent, type RunAgentOptions } from '../../src/providers/run-agent.js';
import { STDERR_PREFIX } from '../../protocol/transcript.js';
import type { Invocation } from '../../src/providers/types.js';
import { fakeAgents } from '../helpers/fake-agents.js';
import { tempDir } from '../helpers/temp.js';

const GRACE_MS = 300;

function sh(t: TestContext, script: string, extra: Partial<Invocation> = {}): Invocation {
  return { command: '/bin/sh', args: ['-c', script], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: tempDir(t), stdin: null, ...extra };
}

/** Runs the agent, remembers its group for cleanup, and reports the pids seen by onStart/onExit. */
async function run(t: TestContext, invocation: Invocation, options: Partial<RunAgentOptions> & { afterStart?: (pid: number) => void } = {}) {
  const started: number[] = [];
  const exited: number[] = [];
  const logFile = join(tempDir(t), 'logs', 't1.1.log');
  t.after(() => started.forEach((pid) => signalGroup(pid, 'SIGKILL')));
  const { afterStart, ...rest } = options;
  const raw = await runAgent({
    invocation, logFile, deadlineMs: 30_000, graceMs: GRACE_MS,
    onStart: (pid) => {
      started.push(pid);
      afterStart?.(pid);
    },
    onExit: (pid) => exited.push(pid),
    ...rest,
  });
  return { raw, pid: started[0]!, started, exited, logFile };
}

/** Live (non-zombie) processes of a group, from ps; zombies remain where pid 1 does not reap orphans. */
function liveInGroup(pgid: number): string[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' }).split('\n');
  return rows.map((row) => row.trim().split(/\s+/)).filter((cols) => Number(cols[1]) === pgid && !cols[2]?.startsWith('Z')).map((cols) => cols.join(' '));
}

/**
 * kill(-pgid, 0) → ESRCH, or only zombies are left in the group. A process that was just sent
 * SIGKILL may need a moment of CPU to die on a loaded machine, hence the short bounded wait; a
 * survivor (a `sleep 600` nobody killed) still fails.
 */
async function assertGroupGone(pgid: number): Promise<void> {
  for (const deadline = Date.now() + 2_000; liveInGroup(pgid).length > 0 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  let exists = true;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ESRCH');
    exists = false;
  }
  if (exists) assert.deepEqual(groupMembers(pgid).filter((member) => member.state !== 'Z'), [], 'only zombies may remain');
  assert.deepEqual(liveInGroup(pgid), [], 'ps shows no survivor of the group');
}

test('the agent gets /dev/null as stdin, so a stdin reader does not hang', async (t) => {
  const { raw } = await run(t, sh(t, 'cat; echo "read all of stdin"'), { deadlineMs: 10_000 });
  assert.equal(raw.timedOut, false);
  assert.equal(raw.exitCode, 0);
  assert.equal(raw.stdout, 'read all of stdin\n');
});

test('codex, which blocks until stdin EOF, finishes because stdin is closed', async (t) => {
  const fakes = fakeAgents(t);
  const cwd = tempDir(t);
  const invocation: Invocation = { command: 'codex', args: ['exec', '--json', '--skip-git-repo-check', 'hi'], env: fakes.env as Record<string, string>, cwd, stdin: null };
  const { raw } = await run(t, invocation, { deadlineMs: 20_000 });
  assert.equal(raw.timedOut, false);
  assert.equal(raw.exitCode, 0);
  assert.equal(fakes.readLog()[0]?.stdin, 'devnull');
});

test('stdin text is written and then closed', async (t) => {
  const { raw } = await run(t, sh(t, 'cat', { stdin: { text: 'the whole prompt\nline two' } }));
  assert.equal(raw.stdout, 'the whole prompt\nline two');
  assert.equal(raw.exitCode, 0);
});

test('the deadline kills the whole process group, including a backgrounded grandchild', async (t) => {
  // the deadline leaves the shell ample time to start its grandchild, even on a loaded machine
  const { raw, pid, exited } = await run(t, sh(t, 'sleep 600 & echo "grandchild $!"; sleep 600'), { deadlineMs: 1_500 });
  assert.equal(raw.timedOut, true);
  assert.equal(raw.exitCode, null);
  assert.equal(raw.signal, 'SIGTERM');
  assert.match(raw.stdout, /^grandchild \d+\n$/);
  assert.deepEqual(exited, [pid]);
  await assertGroupGone(pid);
});

test('an agent that ignores SIGTERM is SIGKILLed after the grace period', async (t) => {
  // an ignored signal stays ignored across exec, so the sleep ignores it too
  const { raw, pid } = await run(t, sh(t, 'trap "" TERM; sleep 600 & sleep 600'), { deadlineMs: 1_500 });
  assert.equal(raw.timedOut, true);
  assert.equal(raw.signal, 'SIGKILL');
  await assertGroupGone(pid);
});

test('a grandchild holding stdout after the leader exits does not hold the call until the deadline', async (t) => {
  const { raw, pid } = await run(t, sh(t, 'sleep 600 & echo "leader done"'), { deadlineMs: 60_000 });
  assert.equal(raw.timedOut, false, 'the call ended long before its deadline');
  assert.equal(raw.exitCode, 0);
  assert.equal(raw.stdout, 'leader done\n');
  await assertGroupGone(pid);
});

test('a background process that holds no output is killed too when the leader exits', async (t) => {
  const { raw, pid } = await run(t, sh(t, 'sleep 600 >/dev/null 2>&1 & echo ok'), { deadlineMs: 60_000 });
  assert.equal(raw.timedOut, false);
  assert.equal(raw.exitCode, 0);
  await assertGroupGone(pid);
});

test('aborting the signal kills the group and the call resolves without a timeout', async (t) => {
  const controller = new AbortController();
  const marker = join(tempDir(t), 'grandchild-started');
  // abort once the grandchild exists, so the test shows it is killed too
  const abortWhenStarted = async (): Promise<void> => {
    for (const deadline = Date.now() + 5_000; !existsSync(marker) && Date.now() < deadline; ) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
  };
  const { raw, pid, exited } = await run(t, sh(t, `sleep 600 & echo $! > ${marker}; sleep 600`), { signal: controller.signal, afterStart: () => void abortWhenStarted() });
  assert.ok(existsSync(marker));
  assert.equal(raw.timedOut, false);
  assert.equal(raw.signal, 'SIGTERM');
  assert.deepEqual(exited, [pid]);
  await assertGroupGone(pid);
});

test('a signal aborted before the start still kills the agent at once', async (t) => {
  const { raw, pid } = await run(t, sh(t, 'sleep 600'), { signal: AbortSignal.abort() });
  assert.equal(raw.signal, 'SIGTERM');
  assert.equal(raw.timedOut, false);
  await assertGroupGone(pid);
});

test('the transcript has the command line, stdout verbatim, stderr marked, and the exit', async (t) => {
  const invocation = sh(t, 'echo \'{"type":"result"}\'; echo "warning: noisy" >&2; printf "no newline"; exit 3');
  const { raw, logFile } = await run(t, invocation);
  assert.equal(raw.exitCode, 3);
  const transcript = readFileSync(logFile, 'utf8');
  assert.match(transcript, /^# loop agent transcript /);
  assert.ok(transcript.includes(`# cwd: ${invocation.cwd}\n`));
  assert.ok(transcript.includes(`# argv: /bin/sh -c `));
  assert.ok(transcript.includes('# stdin: /dev/null\n'));
  assert.ok(transcript.includes('{"type":"result"}\n'));
  assert.ok(transcript.includes(`${STDERR_PREFIX}warning: noisy\n`));
  assert.ok(transcript.includes('no newline\n'));
  assert.match(transcript, /# exit code=3 signal=null timedOut=false durationMs=\d+\n$/);
  assert.equal(raw.stderr, 'warning: noisy\n');
});

test('the transcript is written while the agent runs, not only at the end', async (t) => {
  const dir = tempDir(t);
  const logFile = join(dir, 'live.log');
  // the agent waits until its first line is in the transcript, then exits
  const script = `echo first-line; i=0; while ! grep -q first-line ${logFile} 2>/dev/null; do i=$((i+1)); [ $i -gt 500 ] && exit 9; sleep 0.01; done; echo seen`;
  const { raw } = await run(t, sh(t, script), { logFile, deadlineMs: 20_000 });
  assert.equal(raw.exitCode, 0, raw.stdout);
  assert.equal(raw.stdout, 'first-line\nseen\n');
});

test('a command that is not installed is a clear exit 127, not a crash', async (t) => {
  const { raw, started } = await run(t, { ...sh(t, ''), command: 'no-such-agent-cli-xyz', args: [] });
  assert.equal(raw.exitCode, 127);
  assert.match(raw.stderr, /cannot start "no-such-agent-cli-xyz": not found on PATH/);
  assert.deepEqual(started, []);
});

test('a missing working directory is reported as such', async (t) => {
  const { raw } = await run(t, { ...sh(t, 'true'), cwd: '/nonexistent/worktree/slot-1' });
  assert.equal(raw.exitCode, 126);
  assert.match(raw.stderr, /working directory \/nonexistent\/worktree\/slot-1 does not exist/);
});

test('the agent gets exactly the invocation env', async (t) => {
  const { raw } = await run(t, sh(t, 'echo "$ONLY_THIS|$HOME"', { env: { PATH: process.env.PATH ?? '', ONLY_THIS: 'yes' } }));
  assert.equal(raw.stdout, 'yes|\n');
});

test('an onStart hook that throws still gets the agent group reaped', async (t) => {
  let pid = 0;
  const failing = runAgent({
    invocation: sh(t, 'sleep 600 & sleep 600'), logFile: join(tempDir(t), 'x.log'), deadlineMs: 30_000, graceMs: GRACE_MS,
    onStart: (started) => {
      pid = started;
      throw new Error('supervisor unreachable');
    },
  });
  t.after(() => signalGroup(pid, 'SIGKILL'));
  await assert.rejects(failing, /supervisor unreachable/);
  await assertGroupGone(pid);
});
