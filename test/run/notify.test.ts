/** Needs-attention notifications: which board facts deserve one, and what a run sends. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { foldBoard } from '../../src/board/fold.js';
import { attentionFor } from '../../src/run/notify.js';
import { runLoop } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { tempDir } from '../helpers/temp.js';

const at = (draft: BoardEventDraft, seq: number): BoardEvent => ({ ...draft, v: 1, seq, ts: Date.UTC(2026, 11, 4, 10, 0, seq) }) as BoardEvent;

test('an escalation, the budget and the end of the run need the user; everything else does not', () => {
  const events = [
    at({ type: 'run.started', runId: 'r1', goal: 'g', mode: 'execute', configHash: 'h', configFile: 'c', pid: 1, roles: ['be'], budgetUsd: 2, maxParallel: 1 }, 1),
    at({ type: 'task.created', taskId: 't1', title: 'Add subtract', role: 'be', dependsOn: [], acceptance: [] }, 2),
  ];
  const view = foldBoard(events);
  const table: Array<[BoardEventDraft, Partial<ReturnType<typeof attentionFor>> | null]> = [
    [{ type: 'task.escalated', taskId: 't1', reason: 'tests still red after 3 attempts' }, { event: 'task.escalated', title: 'loop: t1 needs you', message: 'Add subtract (be): tests still red after 3 attempts', taskId: 't1', role: 'be' }],
    [{ type: 'budget.exhausted', spentUsd: 1.9, reservedUsd: 0.5, budgetUsd: 2, unstarted: ['t2'] }, { event: 'budget.exhausted', message: '$1.90 spent of $2.00; not started: t2' }],
    [{ type: 'run.finished', status: 'escalated', exitCode: 1, reason: '1 task escalated' }, { event: 'run.finished', title: 'loop: run r1 escalated', status: 'escalated', exitCode: 1 }],
    [{ type: 'task.ready', taskId: 't1' }, null],
    [{ type: 'review.rejected', taskId: 't1', attempt: 1, critic: 'qa', reasons: ['no'], notes: [] }, null],
  ];
  for (const [draft, expected] of table) {
    const attention = attentionFor(at(draft, 3), view);
    if (expected === null) assert.equal(attention, null, draft.type);
    else for (const [key, value] of Object.entries(expected)) assert.deepEqual(attention?.[key as keyof typeof attention], value, `${draft.type}.${key}`);
  }
});

test('a run sends a desktop notification and runs notify.command with the event as JSON, for an escalation and for its end', async (t) => {
  const dir = tempDir(t);
  const bin = tempDir(t);
  const desktop = join(dir, 'desktop.log');
  writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\nprintf '%s|' "$@" >> '${desktop}'\necho >> '${desktop}'\n`);
  chmodSync(join(bin, 'notify-send'), 0o755);
  const received = join(dir, 'events.jsonl');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({
    sim: { latencyMs: 5, tasks: { t2: 'fail' } },
    loop: { maxRepairs: 0, notify: { desktop: true, command: `cat >> '${received}'` } },
  }));
  const result = await runLoop(['run', 'a, b', '--run', 'n1'], { cwd: dir, env: { PATH: `${bin}:${process.env['PATH']}` }, t });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const events = readFileSync(received, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(events.map((e) => [e['event'], e['taskId'] ?? e['status']]), [['task.escalated', 't2'], ['run.finished', 'escalated']]);
  assert.equal(events[0]!['runId'], 'n1');
  assert.deepEqual(readFileSync(desktop, 'utf8').trim().split('\n').map((line) => line.split('|').slice(0, 2)), [
    ['--app-name=loop', 'loop: t2 needs you'],
    ['--app-name=loop', 'loop: run n1 escalated'],
  ]);
  assert.match(readFileSync(join(dir, '.loop/runs/n1/logs/notify.log'), 'utf8'), /\[exit 0\]/);
});

test('a failing notify.command costs one line, never the run; with desktop: auto, a piped run sends no desktop notification', async (t) => {
  const dir = tempDir(t);
  const bin = tempDir(t);
  writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\ntouch '${join(dir, 'called')}'\n`);
  chmodSync(join(bin, 'notify-send'), 0o755);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 5 }, loop: { notify: { command: 'echo nope >&2; exit 3' } } }));
  const result = await runLoop(['run', 'a thing', '--run', 'n2'], { cwd: dir, env: { PATH: `${bin}:${process.env['PATH']}` }, t });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^notify: loop\.notify\.command failed on run\.finished \(exit 3\); its output is in .*notify\.log$/m);
  assert.equal(existsSync(join(dir, 'called')), false);
});
