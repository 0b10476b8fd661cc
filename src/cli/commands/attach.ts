/** `loop attach <role>`: put the user in the role's viewport pane; `--takeover`: let them drive its next attempt. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { runPaths } from '../../util/paths.js';
import { loadConfig } from '../../config/load.js';
import { foldBoard } from '../../board/fold.js';
import { readBoard } from '../../board/store.js';
import type { BoardEvent } from '../../../protocol/index.js';
import { pickRun } from '../../run/run-list.js';
import { isAlive, readRunJson } from '../../run/run-json.js';
import { requestTakeover } from '../../run/control.js';
import { attachToRole, insideSameServer } from '../../tmux/attach.js';
import { BoardFollower } from '../../tmux/board-follow.js';
import { exactSession, hasSession, serverArgs } from '../../tmux/tmux.js';
import { runSessionName } from '../../tmux/viewport.js';
import { formatEvent } from '../../run/printer.js';
import { UserError } from '../../util/errors.js';
import type { RunPaths } from '../../util/paths.js';

export class AttachCommand extends LoopCommand {
  static override paths = [['attach']];
  static override usage = Command.Usage({
    description: "go to a role's pane in the run's tmux viewport (zoomed); --takeover: drive its next attempt yourself",
    details: `
      Inside tmux (the same server), the current client switches to the pane; in a plain terminal, tmux attaches here until you detach (prefix d). The latest run is used unless --run names one.

      With --takeover, the run lets the role's current attempt finish, holds the role's dispatch, and opens the provider's interactive CLI (claude, codex, gemini; a shell for sim and command providers) in the role's pane and worktree slot, with the role prompt loaded — resuming the agent's session when it had just worked on the task. When you exit the CLI, what is in the slot goes through the gate, the critic and the merge queue like any other attempt, and dispatch resumes. Needs a running \`--execute\` run with a viewport.
    `,
    examples: [
      ['Watch role be1 of the latest run', '$0 attach be1'],
      ['Take over be1 in a given run', '$0 attach be1 --run run-20261204-101500 --takeover'],
    ],
  });

  role = Option.String({ required: true, name: 'role' });
  runId = Option.String('--run', { description: 'run id (exact); default: the latest run' });
  takeover = Option.Boolean('--takeover', false, { description: "after the role's current attempt, open its provider's interactive CLI in its slot for you" });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const runId = pickRun(loaded.dir, this.runId);
    const paths = runPaths(loaded.dir, runId);
    const view = foldBoard(readBoard(paths.events).events);
    const roles = [...new Set([...view.roles, ...loaded.config.roles.map((r) => r.name)])];
    if (!roles.includes(this.role)) throw new UserError(`no role "${this.role}" in run ${runId} (roles: ${roles.join(', ')})`);
    const session = runSessionName(loaded, runId);
    if (!(await hasSession(session))) {
      throw new UserError(`run ${runId} has no tmux viewport (it ran headless, or its session was closed); \`loop logs ${this.role} --run ${runId} --follow\` shows the role's work`, 1);
    }
    if (!(await insideSameServer()) && !process.stdin.isTTY) {
      throw new UserError(`loop attach needs a terminal; from a script use: tmux ${[...serverArgs(), 'attach', '-t', exactSession(session)].join(' ')}`);
    }
    if (this.takeover && !(await this.#takeOver(runId, paths))) return 1;
    return attachToRole(session, this.role);
  }

  /** Asks the run for the takeover and waits for its answer on the board; true once the CLI is open. */
  async #takeOver(runId: string, paths: RunPaths): Promise<boolean> {
    const run = readRunJson(paths.runJson);
    if (!run || run.status !== 'running' || !isAlive(run.pid)) throw new UserError(`run ${runId} is not running, so there is no attempt to take over`, 1);
    const say = (line: string): void => void this.context.stdout.write(`${line}\n`);
    return new Promise((resolve) => {
      let from = Number.POSITIVE_INFINITY;
      const answer = (event: BoardEvent): boolean | null => {
        if (event.seq <= from) return null;
        if (event.type === 'takeover.requested' && event.role === this.role) {
          say(`${this.role}: the run holds its dispatch; the interactive CLI opens when its current attempt ends…`);
          return null;
        }
        if (event.type === 'takeover.declined' && event.role === this.role) {
          this.context.stderr.write(`loop: run ${runId} cannot hand ${this.role} over: ${event.reason}\n`);
          return false;
        }
        if (event.type === 'takeover.started' && event.role === this.role) return true;
        if (event.type === 'run.finished') {
          this.context.stderr.write(`loop: run ${runId} finished before ${this.role} had another attempt\n`);
          return false;
        }
        return null;
      };
      const board = new BoardFollower({
        eventsFile: paths.events,
        onEvent: (event, view) => {
          const line = event.seq > from && event.type.startsWith('takeover.') ? formatEvent(event, view) : null;
          if (line) say(line);
          const done = answer(event);
          if (done === null) return;
          board.stop();
          resolve(done);
        },
      });
      board.readNow();
      from = board.view.lastSeq;
      requestTakeover(paths.dir, this.role);
      say(`asked run ${runId} to hand ${this.role} over to you…`);
      board.watch();
    });
  }
}
