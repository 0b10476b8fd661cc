/**
 * A board event in words: a short label ("merged", "ESCALATED", …), the detail, and its tone. The
 * run's printed lines, the monitor's event list and the dashboard's activity feed all say events
 * through this one function, so a replay of the board tells the same story everywhere. Pure and free
 * of Node imports: the dashboard page loads it as an ES module.
 */
import type { BoardEvent } from '../../protocol/index.js';

export type EventTone = 'good' | 'bad' | 'warn' | 'info';

export interface EventWords {
  what: string;
  text: string;
  tone: EventTone;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;
const words = (what: string, text: string, tone: EventTone = 'info'): EventWords => ({ what, text, tone });

/** Null for events that are bookkeeping rather than news (costs, actor starts, readiness). */
export function describeEvent(event: BoardEvent): EventWords | null {
  switch (event.type) {
    case 'plan.accepted':
      return words('plan', `${event.taskCount} task${event.taskCount === 1 ? '' : 's'} from ${event.source === 'file' ? 'the plan file' : event.source === 'sim' ? 'the sim planner' : `planner ${event.planner ?? ''}`.trim()}`);
    case 'plan.failed':
      return words('PLAN FAILED', event.reason, 'bad');
    case 'task.created':
      return words('planned', `${event.title}${event.dependsOn.length > 0 ? ` (after ${event.dependsOn.join(', ')})` : ''}`);
    case 'task.dispatched':
      return words('running', `attempt ${event.attempt}`);
    case 'attempt.started':
      return words('agent', `${event.provider} (${event.providerType})${event.logFile ? ` · log ${event.logFile}` : ''}`);
    case 'attempt.finished':
      return event.outcome === 'ok' ? words('implemented', event.summary) : words(event.outcome, event.summary, 'warn');
    case 'gate.captured':
      return event.tests === 'train' ? words('captured', `${event.commit.slice(0, 7)}; tamper check passed, tests in its merge train`) : null;
    case 'gate.passed':
      return words('verified', event.summary, 'good');
    case 'gate.failed':
      return words('gate failed', event.failure.summary, 'bad');
    case 'review.started':
      return event.critic === 'none' ? null : words('reviewing', `critic ${event.critic} (${event.provider})`);
    case 'review.accepted':
      return words('accepted', event.critic === 'none' ? event.reasons[0] ?? '' : `by ${event.critic}`, 'good');
    case 'review.rejected':
      return words('rejected', `by ${event.critic}: ${event.reasons.join('; ')}`, 'bad');
    case 'critic.edit-discarded':
      return words('discarded', `critic edits to ${event.files.join(', ')} (reviews are read-only)`, 'warn');
    case 'merge.failed':
      return words('merge failed', event.failure.summary, 'bad');
    case 'task.merged':
      return words('merged', event.sha ? `${event.sha.slice(0, 7)} on ${event.branch ?? 'the integration branch'}` : 'merged (dry-run)', 'good');
    case 'repair.scheduled':
      return words('repair', `attempt ${event.nextAttempt} will fix: ${event.failure.summary}`, 'warn');
    case 'retry.scheduled':
      return words('retry', `${event.reason}${event.delayMs > 0 ? ` (in ${(event.delayMs / 1000).toFixed(1)}s)` : ''}`, 'warn');
    case 'task.escalated':
      return words('ESCALATED', event.reason, 'bad');
    case 'task.interrupted':
      return words('interrupted', event.reason, 'warn');
    case 'task.reopened':
      return words('reopened', `${event.reason} (asked from the ${event.by === 'cli' ? 'command line' : 'dashboard'}); a fresh round of repairs`, 'warn');
    case 'plan.approval-requested':
      return words('WAITING', `the plan (${event.taskCount} tasks) waits for approval: \`loop approve\` or the dashboard`, 'warn');
    case 'plan.approved':
      return words('approved', `the plan, from the ${event.by === 'cli' ? 'command line' : 'dashboard'}; dispatching`, 'good');
    case 'task.cancelled':
      return words('cancelled', event.reason, 'warn');
    case 'actor.crashed':
      return words('crash', `${event.actor}: ${event.reason}`, 'bad');
    case 'actor.restarted':
      return words('restart', `${event.actor} (restart ${event.restarts}${event.delayMs > 0 ? `, after ${event.delayMs} ms` : ''})`, 'warn');
    case 'supervisor.report':
      return event.context === 'reached_max_restart_intensity' ? words('GAVE UP', `${event.supervisor}: ${event.reason}`, 'bad') : null;
    case 'budget.exhausted':
      return words('BUDGET', `exhausted: ${usd(event.spentUsd)} spent + ${usd(event.reservedUsd)} in flight of ${usd(event.budgetUsd)}; not started: ${event.unstarted.join(', ') || 'none'}`, 'bad');
    case 'run.note':
      return words(event.level === 'warn' ? 'warning' : 'note', event.message, event.level === 'warn' ? 'warn' : 'info');
    case 'protocol.rejected':
      return words('protocol', `invalid frame from ${event.from}: ${event.summary}`, 'bad');
    case 'train.finished': {
      const broken = event.culprits.length > 0 ? `, broken by ${event.culprits.join(', ')}` : '';
      const tests = event.tests ? ` · ${event.tests}` : '';
      const runs = `${event.suiteRuns} suite run${event.suiteRuns === 1 ? '' : 's'}`;
      return words('train', `${event.repo}: ${event.landed.length} of ${event.tasks.length} landed${broken} (${runs})${tests}`, event.culprits.length > 0 ? 'warn' : 'good');
    }
    case 'run.landed':
      if (event.fastForwarded) return words('landed', `${event.branch} → ${event.sha.slice(0, 7)}`, 'good');
      if (event.url) return words('pull request', `${event.url} (${event.branch})`, 'good');
      return words('not landed', `${event.reason ?? ''} ${event.command ? `— land it with: ${event.command}` : ''}`.trim(), 'warn');
    case 'takeover.requested':
      return words('takeover', `${event.role}: asked for; it starts when the role's current attempt ends`);
    case 'takeover.declined':
      return words('takeover', `${event.role}: not possible: ${event.reason}`, 'warn');
    case 'takeover.started':
      return words('TAKEOVER', `you drive attempt ${event.attempt} in ${event.argv[0] ?? 'the CLI'} (role pane, ${event.workdir})${event.continues ? ', continuing the agent\'s work' : ''}`, 'warn');
    case 'takeover.finished':
      return words('takeover', `ended (exit ${event.exitCode ?? 'signal'}); your changes go through the gate and the critic`);
    case 'run.started':
      return words('started', `${event.mode} · ${event.goal}`);
    case 'run.resumed':
      return words('resumed', event.interrupted.length > 0 ? `interrupted: ${event.interrupted.join(', ')}` : `supervisor pid ${event.pid}`);
    case 'run.finished':
      return words('finished', `${event.status} (exit ${event.exitCode}): ${event.reason}`, event.status === 'merged' ? 'good' : event.status === 'interrupted' ? 'warn' : 'bad');
    default:
      return null;
  }
}
