/**
 * A private tmux server per test (`tmux -L <unique>`; never the default server or anyone else's),
 * killed after the test, which then checks that no server of it is left. loop is pointed at it
 * through LOOP_TMUX_SOCKET.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { waitFor } from './loop-cli.js';

export interface TmuxServer {
  socket: string;
  /** The test's environment for loop: LOOP_TMUX_SOCKET set, TMUX and TMUX_PANE removed (the test may itself run inside tmux). */
  env: NodeJS.ProcessEnv;
  /** A tmux command on this server; its stdout. Throws on failure. */
  run(args: string[]): string;
  /** The command's exit status, for commands expected to fail. */
  status(args: string[]): number;
  /** The visible text of a pane (or a session's active pane), trailing blank lines dropped. */
  capture(target: string, options?: { escapes?: boolean }): string;
  /** Waits until the pane shows `text` (or matches it) and returns the capture. */
  waitForText(target: string, text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** `@loop-role` → pane id, over every session. */
  rolePanes(): Map<string, string>;
}

export function tmuxServer(t: TestContext, base: NodeJS.ProcessEnv = process.env): TmuxServer {
  const socket = `loop-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const { TMUX: _tmux, TMUX_PANE: _pane, ...rest } = base;
  const env = { ...rest, LOOP_TMUX_SOCKET: socket };
  const run = (args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
  const status = (args: string[]): number => spawnSync('tmux', ['-L', socket, ...args], { env, stdio: 'ignore' }).status ?? 1;
  const capture = (target: string, options: { escapes?: boolean } = {}): string => {
    try {
      return run(['capture-pane', '-p', ...(options.escapes ? ['-e'] : []), '-t', target]).replace(/\s+$/, '');
    } catch {
      return '';
    }
  };
  t.after(() => {
    status(['kill-server']);
    assert.notEqual(status(['list-sessions']), 0, `tmux server ${socket} is gone`);
  });
  return {
    socket,
    env,
    run,
    status,
    capture,
    waitForText: async (target, text, timeoutMs = 60_000) => {
      let shown = '';
      try {
        return await waitFor(`${String(text)} in tmux pane ${target}`, () => {
          shown = capture(target);
          return (typeof text === 'string' ? shown.includes(text) : text.test(shown)) ? shown : null;
        }, timeoutMs);
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; the pane shows:\n${shown}`);
      }
    },
    rolePanes: () => {
      const panes = new Map<string, string>();
      let out = '';
      try {
        out = run(['list-panes', '-a', '-F', '#{pane_id}\t#{@loop-role}']);
      } catch {
        return panes;
      }
      for (const line of out.split('\n')) {
        const [pane, role] = line.split('\t');
        if (pane && role) panes.set(role, pane);
      }
      return panes;
    },
  };
}
