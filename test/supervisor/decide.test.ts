/** Named after the groups of OTP's supervisor_SUITE: normal, shutdown and abnormal termination; one test per strategy. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RestartType, Strategy } from '../../supervisor/child-spec.js';
import { childrenToRestart, classifyExit, shouldRestart, type ExitKind } from '../../supervisor/decide.js';

const RESTART: Record<ExitKind, Record<RestartType, boolean>> = {
  normal: { permanent: true, transient: false, temporary: false },
  shutdown: { permanent: true, transient: false, temporary: false },
  abnormal: { permanent: true, transient: true, temporary: false },
};

for (const exit of ['normal', 'shutdown', 'abnormal'] as const) {
  describe(`${exit}_termination`, () => {
    for (const restart of ['permanent', 'transient', 'temporary'] as const) {
      const expected = RESTART[exit][restart];
      test(`a ${restart} child ${expected ? 'is' : 'is not'} restarted after a ${exit} exit`, () => {
        assert.equal(shouldRestart(restart, exit), expected);
      });
    }
  });
}

const CHILDREN = ['board', 'work', 'critic', 'ui'];
const STRATEGIES: Record<Strategy, Record<string, string[]>> = {
  one_for_one: { board: ['board'], critic: ['critic'], ui: ['ui'] },
  rest_for_one: { board: ['board', 'work', 'critic', 'ui'], critic: ['critic', 'ui'], ui: ['ui'] },
  one_for_all: { board: CHILDREN, critic: CHILDREN, ui: CHILDREN },
};
for (const [strategy, cases] of Object.entries(STRATEGIES) as [Strategy, Record<string, string[]>][]) {
  describe(`restart_${strategy}`, () => {
    for (const [dead, expected] of Object.entries(cases)) {
      test(`when "${dead}" dies, ${strategy} restarts ${expected.join(', ')} in start order`, () => {
        assert.deepEqual(childrenToRestart(strategy, CHILDREN, dead), expected);
      });
    }
  });
}

test('a child that is not in the list restarts nothing', () => {
  assert.deepEqual(childrenToRestart('one_for_all', CHILDREN, 'ghost'), []);
});

const EXITS: ReadonlyArray<{ name: string; input: Parameters<typeof classifyExit>[0]; kind: ExitKind }> = [
  { name: 'exit 0 on its own is normal', input: { code: 0, crashed: false, killed: false, shutdownRequested: false }, kind: 'normal' },
  { name: 'exit 0 after shutdown is shutdown', input: { code: 0, crashed: false, killed: false, shutdownRequested: true }, kind: 'shutdown' },
  { name: 'a non-zero exit is abnormal', input: { code: 1, crashed: false, killed: false, shutdownRequested: false }, kind: 'abnormal' },
  { name: 'a signal is abnormal', input: { code: null, crashed: false, killed: false, shutdownRequested: true }, kind: 'abnormal' },
  { name: 'a crash frame makes even exit 0 abnormal', input: { code: 0, crashed: true, killed: false, shutdownRequested: false }, kind: 'abnormal' },
  { name: 'an explicit kill is abnormal', input: { code: 0, crashed: false, killed: true, shutdownRequested: true }, kind: 'abnormal' },
];
for (const row of EXITS) {
  test(`exit classification: ${row.name}`, () => {
    assert.equal(classifyExit(row.input), row.kind);
  });
}
