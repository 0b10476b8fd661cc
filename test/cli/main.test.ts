/**
 * The `loop` executable loads only the command its verb names (src/cli/commands/index.ts): every
 * command is still reachable, listed by `--help`, and an unknown verb is still one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCommands, commandsFor } from '../../src/cli/commands/index.js';
import { runLoop } from '../helpers/loop-cli.js';
import { tempDir } from '../helpers/temp.js';

const pathsOf = (classes: Awaited<ReturnType<typeof allCommands>>): string[] => classes.flatMap((c) => (c.paths ?? []).map((p) => p.join(' '))).sort();

test('each verb loads exactly the commands whose path starts with it, and together they are all of them', async () => {
  const all = pathsOf(await allCommands());
  assert.ok(all.length >= 24, `${all.length} commands`);
  const verbs = [...new Set(all.map((p) => p.split(' ')[0]!))];
  const reached: string[] = [];
  for (const verb of verbs) {
    const paths = pathsOf(await commandsFor([verb, '--help']));
    assert.deepEqual(paths, all.filter((p) => p.split(' ')[0] === verb), verb);
    reached.push(...paths);
  }
  assert.deepEqual(reached.sort(), all);
  assert.deepEqual(pathsOf(await commandsFor(['--help'])), all, 'help lists every command');
  assert.deepEqual(pathsOf(await commandsFor(['stauts'])), all, 'an unknown verb sees every command (for "did you mean")');
  assert.deepEqual(await commandsFor(['--version']), [], '--version needs none');
});

test('through the executable: --help lists every verb, a two-word command has its help, an unknown verb is one line and exit 2', async (t) => {
  const cwd = tempDir(t);
  const help = await runLoop(['--help'], { cwd, t });
  assert.equal(help.code, 0, help.stderr);
  for (const path of pathsOf(await allCommands())) assert.ok(help.stdout.includes(`loop ${path}`), `--help lists loop ${path}`);
  const nats = await runLoop(['nats', 'setup', '--help'], { cwd, t });
  assert.equal(nats.code, 0, nats.stderr);
  assert.match(nats.stdout, /\$ loop nats setup/);
  const unknown = await runLoop(['stauts'], { cwd, t });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'loop: unknown command "stauts" (run "loop --help" to list the commands)\n');
  const version = await runLoop(['--version'], { cwd, t });
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});
