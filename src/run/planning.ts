/**
 * Turns the goal into tasks on the board: from `--plan FILE`, or from the planner actor (the
 * planner role's provider; `sim` in dry-run, so a dry-run never starts a provider CLI). A planner
 * that fails is a loud failure of the run, never a silent one-task fallback.
 */
import { join } from 'node:path';
import * as v from 'valibot';
import { PlanResultSchema, type AcceptedPlan, type AgentResult, type Plan, type PlanRole, type PlanTask, type ProviderSpec } from '../../protocol/index.js';
import type { RunView } from '../board/view.js';
import { readAcceptedPlan, writeAcceptedPlan } from './accepted-plan.js';
import { plannerRole } from '../config/team.js';
import { getDiscipline } from '../roles/catalog.js';
import { callActor } from './actor-call.js';
import { defaultEstimateUsd, providerForRun, taskRoles } from './team.js';
import { minutes, type RunContext } from './run-context.js';

export function planRoles(rt: RunContext): PlanRole[] {
  return taskRoles(rt.config).map((role) => ({
    name: role.name,
    title: role.title ?? (role.sme ? getDiscipline(role.sme)?.title : undefined) ?? role.name,
    ...(role.sme ? { sme: role.sme } : {}),
    responsibilities: [...role.responsibilities],
  }));
}

/** The built-in sim planner stands in when there is no planner role (dry-run only). */
const SIM_PLANNER: ProviderSpec = {
  key: 'sim',
  config: { type: 'sim', args: [], dangerouslySkipPermissions: false, yolo: false, env: {}, promptMode: 'interactive', enabled: true },
};

/** Puts the plan on the board. Returns false (with `plan.failed` on the board) when there is none. */
export async function obtainPlan(rt: RunContext, planFromFile: Plan | null, signal: AbortSignal): Promise<boolean> {
  if (planFromFile) return acceptPlan(rt, planFromFile, 'file');
  const role = plannerRole(rt.config);
  const provider = role ? providerForRun(rt.config, role, rt.mode) : SIM_PLANNER;
  const callId = 'plan';
  const budgetKey = `${provider.key}:plan`;
  if (!rt.budget.tryReserve(callId, budgetKey, defaultEstimateUsd(provider))) {
    await rt.board.append({ type: 'plan.failed', reason: 'the budget cannot pay for the planner' });
    return false;
  }
  const deadlineMs = minutes(provider.config.timeoutMinutes ?? rt.config.loop.taskTimeoutMinutes);
  const reply = await callActor(rt, 'planner', {
    type: 'plan', goal: rt.goal, roles: planRoles(rt), plannerRole: role?.name ?? 'planner', provider,
    workdir: rt.loaded.repositories[0]?.path ?? rt.loaded.dir,
    systemPromptFile: rt.systemPrompts.get(`${role?.name ?? 'planner'}.planner`) ?? join(rt.paths.prompts, 'planner.planner.md'),
    logFile: join(rt.paths.logs, 'plan.log'), deadlineMs,
  }, deadlineMs * 2 + 60_000, signal);
  if (reply.kind !== 'result') {
    rt.budget.release(callId);
    await rt.board.append({ type: 'plan.failed', reason: `the planner ${reply.kind === 'interrupted' ? 'was interrupted' : `failed: ${reply.reason}`}` });
    return false;
  }
  const result = reply.result;
  const calls: AgentResult[] = result.tag === 'ok'
    ? v.parse(PlanResultSchema, result.value).costs
    : result.tag === 'fail' ? ((result.data as { calls?: AgentResult[] } | undefined)?.calls ?? []) : [];
  const usd = calls.reduce((sum, c) => sum + c.usd, 0);
  rt.budget.settle(callId, budgetKey, usd);
  for (const call of calls) {
    await rt.board.append({ type: 'cost.recorded', role: role?.name ?? 'planner', phase: 'plan', provider: provider.key, usd: call.usd, tokens: call.tokens, ...(call.model ? { model: call.model } : {}) });
  }
  if (result.tag !== 'ok') {
    await rt.board.append({ type: 'plan.failed', reason: result.tag === 'fail' ? result.message : `interrupted: ${result.reason}` });
    return false;
  }
  const { plan } = v.parse(PlanResultSchema, result.value);
  return acceptPlan(rt, plan, provider.config.type === 'sim' ? 'sim' : 'planner', role?.name);
}

/**
 * The plan goes to the run folder first (durably), then to the board task by task, then
 * `plan.accepted` closes it: a supervisor killed half-way leaves a board that `restorePlan` completes.
 */
async function acceptPlan(rt: RunContext, plan: Plan, source: AcceptedPlan['source'], planner?: string): Promise<boolean> {
  writeAcceptedPlan(rt.paths.plan, { source, ...(planner ? { planner } : {}), tasks: plan.tasks });
  await createTasks(rt, plan.tasks);
  await rt.board.append({ type: 'plan.accepted', source, taskCount: plan.tasks.length, ...(planner ? { planner } : {}) });
  return true;
}

async function createTasks(rt: RunContext, tasks: readonly PlanTask[]): Promise<void> {
  for (const task of tasks) {
    await rt.board.append({
      type: 'task.created', taskId: task.id, title: task.title, role: task.role, dependsOn: task.dependsOn, acceptance: task.acceptance,
      ...(task.files ? { files: task.files } : {}), ...(task.description ? { description: task.description } : {}), ...(task.repo ? { repo: task.repo } : {}),
    });
  }
}

/**
 * `loop resume`: a plan the previous supervisor did not finish writing to the board is completed
 * from the run folder's copy, in plan order, so every planned task runs exactly once. Returns the
 * number of tasks re-created.
 */
export async function restorePlan(rt: RunContext, say: (line: string) => void): Promise<number> {
  const view = rt.board.view;
  if (view.planSource !== undefined || view.planFailure !== undefined) return 0;
  const accepted = readAcceptedPlan(rt.paths.plan);
  if (accepted === null) {
    if (view.order.length > 0) {
      const message = `the plan was cut off before all of it reached the board and ${rt.paths.plan} is missing (a run started by an older loop); continuing with the ${view.order.length} tasks on the board`;
      await rt.board.append({ type: 'run.note', level: 'warn', message });
    }
    return 0;
  }
  const missing = missingTasks(view, accepted);
  if (missing.length > 0) say(`re-creating ${missing.length} planned task${missing.length === 1 ? '' : 's'} the previous supervisor did not write to the board`);
  await createTasks(rt, missing);
  await rt.board.append({ type: 'plan.accepted', source: accepted.source, taskCount: accepted.tasks.length, ...(accepted.planner ? { planner: accepted.planner } : {}) });
  return missing.length;
}

/** The accepted plan's tasks that are not on the board, in plan order (pure). */
export function missingTasks(view: RunView, plan: AcceptedPlan): PlanTask[] {
  return plan.tasks.filter((task) => view.tasks[task.id] === undefined);
}
