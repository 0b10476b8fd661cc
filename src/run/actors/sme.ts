/**
 * SME actor process: runs an attempt with the role's provider — a real agent CLI through its
 * adapter, or the in-process `sim` agent (whose `hang` still starts a real process group). The
 * adapters and the sim agent are imported by the first attempt that needs them, not at start-up:
 * the actor is ready sooner, and a sim team never loads an adapter.
 */
import { tmpdir } from 'node:os';
import { createSmeActor } from '../../../actors/sme.js';
import type { RequestContext } from '../../../actors/runtime.js';
import type { AgentResult, RequestOf } from '../../../protocol/index.js';
import type { SessionCosts } from '../../providers/call.js';
import { agentEnv } from './agent-env.js';

let costs: SessionCosts | undefined;

export default createSmeActor({
  async runAttempt(request, ctx) {
    const env = agentEnv(request.runId, request.taskId, request.role);
    if (request.provider.config.type === 'sim') {
      const [{ runSimAgent }, { effectiveSim }, { simTranscript }] = await Promise.all([
        import('../../providers/sim/agent.js'), import('../../providers/sim/behaviour.js'), import('./sim-calls.js'),
      ]);
      const transcript = simTranscript(request.logFile, `${request.taskId} attempt ${request.attempt}: ${request.taskTitle}`);
      let result: AgentResult | null = null;
      try {
        result = await runSimAgent({
          sim: effectiveSim(request.provider.config.sim, request.provider.key, process.env),
          taskId: request.taskId,
          attempt: request.attempt,
          title: request.taskTitle,
          files: request.taskFiles,
          workdir: request.workdir,
          signal: ctx.signal,
          hang: () => hangLikeAnAgent(request, ctx, env),
          say: transcript.line,
          deadlineMs: request.deadlineMs,
        });
        return result;
      } finally {
        transcript.end(result);
      }
    }
    if (request.workdir === null) throw new Error(`a real provider (${request.provider.key}) was asked to run without a worktree`);
    const [{ callAsActor }, { SessionCosts }] = await Promise.all([import('./provider-call.js'), import('../../providers/call.js')]);
    costs ??= new SessionCosts();
    return callAsActor(ctx, {
      provider: request.provider,
      purpose: 'implement',
      prompt: request.prompt,
      promptFile: request.promptFile,
      systemPromptFile: request.systemPromptFile,
      workdir: request.workdir,
      env,
      ...(request.allowedCommands ? { allowedCommands: request.allowedCommands } : {}),
      deadlineMs: request.deadlineMs,
      logFile: request.logFile,
      costs,
    });
  },
});

/** A process group that never finishes, with a backgrounded grandchild, as a stuck agent CLI would be. */
async function hangLikeAnAgent(request: RequestOf<'run-attempt'>, ctx: RequestContext, env: NodeJS.ProcessEnv) {
  const { runAgent } = await import('../../providers/run-agent.js');
  const argv = ['sh', '-c', 'sleep 3600 & sleep 3600'];
  const raw = await runAgent({
    invocation: { command: argv[0]!, args: argv.slice(1), env: env as Record<string, string>, cwd: request.workdir ?? tmpdir(), stdin: null },
    deadlineMs: request.deadlineMs,
    logFile: request.logFile,
    signal: ctx.signal,
    onStart: (pid) => ctx.adoptGroup(pid),
    onExit: (pid) => ctx.releaseGroup(pid),
  });
  return { timedOut: raw.timedOut, durationMs: raw.durationMs, argv };
}
