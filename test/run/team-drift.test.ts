import { test } from 'node:test';
import assert from 'node:assert/strict';
import { teamDrift, teamFingerprint, type TeamFingerprint } from '../../src/run/team-drift.js';
import type { LoopConfig } from '../../protocol/index.js';

const team = (roles: Record<string, string>, providers: Record<string, string> = { claude: 'claude model sonnet', codex: 'codex' }): TeamFingerprint => ({ roles, providers });
const before = team({ planner: 'claude', be1: 'claude', qa: 'codex' });

test('teamDrift: what changed in roles and providers, and which missing roles unfinished tasks need', () => {
  const rows: Array<{ name: string; after: TeamFingerprint; open?: { id: string; role: string }[]; changes: string[]; missing?: string[] }> = [
    { name: 'same team', after: before, changes: [] },
    {
      name: 'a renamed role that open tasks need',
      after: team({ planner: 'claude', backend: 'claude', qa: 'codex' }),
      open: [{ id: 't1', role: 'be1' }, { id: 't2', role: 'be1' }],
      changes: ['role be1 is gone (renamed to backend?), but unfinished tasks t1, t2 need it', 'role backend is new'],
      missing: ['be1'],
    },
    {
      name: 'a removed role whose tasks all finished',
      after: team({ planner: 'claude', qa: 'codex' }),
      changes: ['role be1 is gone'],
    },
    {
      name: 'a role moved to another provider',
      after: team({ planner: 'claude', be1: 'claude', qa: 'claude' }, { claude: 'claude model sonnet' }),
      changes: ['role qa now uses provider claude instead of codex'],
    },
    {
      name: 'a provider that now runs another model',
      after: team({ planner: 'claude', be1: 'claude', qa: 'codex' }, { claude: 'claude model opus', codex: 'codex' }),
      changes: ['provider claude changed from "claude model sonnet" to "claude model opus"'],
    },
  ];
  for (const row of rows) {
    const drift = teamDrift(before, row.after, row.open ?? []);
    assert.deepEqual(drift.changes, row.changes, row.name);
    assert.deepEqual(drift.missingRoles, row.missing ?? [], row.name);
  }
});

test('a run started by an older loop has only its role names: roles are compared, providers cannot be', () => {
  const drift = teamDrift({ roleNames: ['planner', 'be1', 'qa'] }, team({ planner: 'claude', backend: 'claude', qa: 'claude' }), [{ id: 'a', role: 'be1' }]);
  assert.deepEqual(drift.changes, ['role be1 is gone (renamed to backend?), but unfinished task a needs it', 'role backend is new']);
  assert.deepEqual(drift.missingRoles, ['be1']);
});

test('teamFingerprint records each role\'s provider and what the providers the roles use run', () => {
  const config = {
    providers: {
      claude: { type: 'claude', model: 'sonnet' },
      mine: { type: 'command', argv: ['./agent.sh', '{prompt}'] },
      unused: { type: 'gemini' },
    },
    roles: [{ name: 'be', provider: 'claude' }, { name: 'qa', provider: 'mine' }],
  } as unknown as LoopConfig;
  assert.deepEqual(teamFingerprint(config), { roles: { be: 'claude', qa: 'mine' }, providers: { claude: 'claude model sonnet', mine: 'command ./agent.sh' } });
});
