/** `loop logs <role|task>`: the readable transcript of a role's or a task's attempts, from the run folder. */
import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { LoopCommand } from '../base.js';
import { runPaths } from '../../util/paths.js';
import { loadConfig } from '../../config/load.js';
import { foldBoard } from '../../board/fold.js';
import { readBoard } from '../../board/store.js';
import { pickRun } from '../../run/run-list.js';
import { resolveSubject } from '../../tmux/subject.js';
import { runViewer } from '../../tmux/viewer.js';
import { wantsColor } from '../../tmux/render.js';

export class LogsCommand extends LoopCommand {
  static override paths = [['logs']];
  static override usage = Command.Usage({
    description: "show a role's or a task's agent transcripts, readable, with the gate's and critic's verdicts",
    details: `
      Reads the run folder (\`.loop/runs/<run>/logs/\` and the board), so it works without tmux and after the run. The provider's stream (claude stream-json, codex JSON events, gemini stream-json) is decoded into what the agent said, the tools it called and their results, errors, and its final report; every attempt starts with a header, and the board's verdicts (tests, review, merge, repairs) follow in the words of \`loop run\`.

      With --follow it keeps printing as the agents work, until the run finishes: this is what each tmux viewport pane shows. The raw transcripts stay in \`.loop/runs/<run>/logs/<task>.<attempt>.log\`.
    `,
    examples: [
      ['Everything role be1 did in the latest run', '$0 logs be1'],
      ['The last 40 lines of task t3, then follow it live', '$0 logs t3 -n 40 --follow'],
      ['A role in a given run', '$0 logs qa --run run-20261204-101500'],
    ],
  });

  name = Option.String({ required: true, name: 'role|task' });
  runId = Option.String('--run', { description: 'run id (exact); default: the latest run' });
  lines = Option.String('-n,--lines', { description: 'print only the last N lines so far', validator: t.isNumber() });
  follow = Option.Boolean('-f,--follow', false, { description: 'keep printing as the run goes on, until it finishes' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const runId = pickRun(loaded.dir, this.runId);
    const paths = runPaths(loaded.dir, runId);
    const subject = resolveSubject(loaded.config, foldBoard(readBoard(paths.events).events), runId, this.name);
    return runViewer({
      paths, subject, follow: this.follow, pane: false, lastLines: this.lines ?? null,
      color: wantsColor(this.context.stdout), out: this.context.stdout,
    });
  }
}
