/** `loop monitor` on a real terminal (a private tmux server): live updates, clean resizes, `q` quits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simTeamConfig } from '../../helpers/sim-config.js';
import { appendAll, runsFolder } from '../../helpers/dashboard.js';
import { created, mergedTask, runningTask, runStarted } from '../../helpers/board-events.js';
import { LOOP_BIN, waitFor } from '../../helpers/loop-cli.js';

const drafts = (items: ReturnType<typeof mergedTask>) => items.map((item) => (Array.isArray(item) ? item[1] : item));

test('the monitor follows a board as it is written, redraws to fit a resized terminal, and quits on q', async (t) => {
  const folder = runsFolder(t);
  writeFileSync(join(folder.dir, 'loop.config.yaml'), simTeamConfig());
  const board = folder.board('live');
  appendAll(board, [runStarted({ runId: 'live', roles: ['backend', 'frontend', 'qa'] }), created('t1'), created('t2', 'frontend'), created('t3', 'backend', ['t1'])]);

  const socket = `loop-test-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  t.after(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'mon', '-x', '110', '-y', '32', '-c', folder.dir, '-e', 'NO_COLOR=1', `${process.execPath} ${LOOP_BIN} monitor; sleep 60`);
  const screen = (): string[] => tmux('capture-pane', '-p', '-J', '-t', 'mon').split('\n');
  const shows = (what: RegExp) => () => (what.test(screen().join('\n')) ? screen() : null);

  const first = await waitFor('the monitor to draw the latest run', shows(/progress 0\/3 /));
  assert.match(first.join('\n'), /loop monitor {2}· {2}run live {2}· {2}running/);

  appendAll(board, drafts(runningTask('t1', 'backend', 0)));
  await waitFor('the running agent to show without a restart', shows(/backend +working +agent working on t1/));
  appendAll(board, drafts(mergedTask('t1', 'backend', 0, 10)).slice(3));
  await waitFor('the merge to show', shows(/progress 1\/3 33%/));

  tmux('resize-window', '-t', 'mon', '-x', '64', '-y', '18');
  // On failure, say what the terminal was and showed: a bare timeout cannot be diagnosed from a CI log.
  let last: string[] = [];
  const small = await waitFor('the monitor to redraw at 64×18', () => {
    const lines = (last = screen());
    const drawn = lines.filter((l) => l.trim() !== '');
    const whole = drawn[0]?.startsWith('loop monitor') && drawn[drawn.length - 1]?.startsWith('q quit');
    return whole && lines.every((l) => [...l].length <= 64) ? drawn : null;
  }).catch((error: Error) => {
    const size = tmux('display-message', '-p', '-t', 'mon', '#{window_width}×#{window_height}').trim();
    throw new Error(`${error.message}; the window is ${size} and shows:\n${last.join('\n')}`);
  });
  assert.ok(small.length <= 18);
  for (const heading of ['── needs attention', '── roles', '── tasks', '── events']) assert.ok(small.some((l) => l.startsWith(heading)), `${heading} in\n${small.join('\n')}`);

  tmux('send-keys', '-t', 'mon', 'q');
  await waitFor('the monitor to quit on q', () => !tmux('list-panes', '-t', 'mon', '-F', '#{pane_current_command}').includes('node'));
  assert.ok(screen().every((l) => !l.includes('loop monitor')), 'the alternate screen is gone: the terminal is as it was');
});
