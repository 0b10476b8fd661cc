/**
 * One concise line per state change: time, task, role, what happened, why. Lines are derived from
 * board events only, so a replay of the board prints the same story.
 */
import type { BoardEvent } from '../../protocol/index.js';
import type { RunView } from '../board/view.js';

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const usd = (n: number): string => `$${n.toFixed(2)}`;

export function formatEvent(event: BoardEvent, view: RunView): string | null {
  const time = new Date(event.ts).toISOString().slice(11, 19);
  const task = 'taskId' in event && event.type !== 'cost.recorded' ? view.tasks[event.taskId] : undefined;
  const line = (what: string, text: string): string =>
    task ? `${time}  ${pad(task.id, 6)} ${pad(task.role, 10)} ${pad(what, 12)} ${text}` : `${time}  ${pad(what, 29)} ${text}`;
  switch (event.type) {
    case 'plan.accepted':
      return line('plan', `${event.taskCount} task${event.taskCount === 1 ? '' : 's'} from ${event.source === 'file' ? 'the plan file' : event.source === 'sim' ? 'the sim planner' : `planner ${event.planner ?? ''}`.trim()}`);
    case 'plan.failed':
      return line('PLAN FAILED', event.reason);
    case 'task.created':
      return line('planned', `${event.title}${event.dependsOn.length > 0 ? ` (after ${event.dependsOn.join(', ')})` : ''}`);
    case 'task.dispatched':
      return line('running', `attempt ${event.attempt}`);
    case 'attempt.started':
      return line('agent', `${event.provider} (${event.providerType})${event.logFile ? ` · log ${event.logFile}` : ''}`);
    case 'attempt.finished':
      return event.outcome === 'ok' ? line('implemented', event.summary) : line(event.outcome, event.summary);
    case 'gate.captured':
      return event.tests === 'train' ? line('captured', `${event.commit.slice(0, 7)}; tamper check passed, tests in its merge train`) : null;
    case 'gate.passed':
      return line('verified', event.summary);
    case 'gate.failed':
      return line('gate failed', event.failure.summary);
    case 'review.started':
      return event.critic === 'none' ? null : line('reviewing', `critic ${event.critic} (${event.provider})`);
    case 'review.accepted':
      return line('accepted', event.critic === 'none' ? event.reasons[0] ?? '' : `by ${event.critic}`);
    case 'review.rejected':
      return line('rejected', `by ${event.critic}: ${event.reasons.join('; ')}`);
    case 'critic.edit-discarded':
      return line('discarded', `critic edits to ${event.files.join(', ')} (reviews are read-only)`);
    case 'merge.failed':
      return line('merge failed', event.failure.summary);
    case 'task.merged':
      return line('merged', event.sha ? `${event.sha.slice(0, 7)} on ${event.branch ?? 'the integration branch'}` : 'merged (dry-run)');
    case 'repair.scheduled':
      return line('repair', `attempt ${event.nextAttempt} will fix: ${event.failure.summary}`);
    case 'retry.scheduled':
      return line('retry', `${event.reason}${event.delayMs > 0 ? ` (in ${(event.delayMs / 1000).toFixed(1)}s)` : ''}`);
    case 'task.escalated':
      return line('ESCALATED', event.reason);
    case 'task.interrupted':
      return line('interrupted', event.reason);
    case 'task.cancelled':
      return line('cancelled', event.reason);
    case 'actor.crashed':
      return line('crash', `${event.actor}: ${event.reason}`);
    case 'actor.restarted':
      return line('restart', `${event.actor} (restart ${event.restarts}${event.delayMs > 0 ? `, after ${event.delayMs} ms` : ''})`);
    case 'supervisor.report':
      return event.context === 'reached_max_restart_intensity' ? line('GAVE UP', `${event.supervisor}: ${event.reason}`) : null;
    case 'budget.exhausted':
      return line('BUDGET', `exhausted: ${usd(event.spentUsd)} spent + ${usd(event.reservedUsd)} in flight of ${usd(event.budgetUsd)}; not started: ${event.unstarted.join(', ') || 'none'}`);
    case 'run.note':
      return line(event.level === 'warn' ? 'warning' : 'note', event.message);
    case 'protocol.rejected':
      return line('protocol', `invalid frame from ${event.from}: ${event.summary}`);
    case 'train.finished': {
      const what = event.culprits.length > 0 ? `, broken by ${event.culprits.join(', ')}` : '';
      return event.tasks.length > 1 || event.culprits.length > 0
        ? line('train', `${event.repo}: ${event.landed.length} of ${event.tasks.length} landed in ${event.suiteRuns} suite run${event.suiteRuns === 1 ? '' : 's'}${what}`)
        : null;
    }
    case 'run.landed':
      if (event.fastForwarded) return line('landed', `${event.branch} → ${event.sha.slice(0, 7)}`);
      if (event.url) return line('pull request', `${event.url} (${event.branch})`);
      return line('not landed', `${event.reason ?? ''} ${event.command ? `— land it with: ${event.command}` : ''}`.trim());
    default:
      return null;
  }
}
