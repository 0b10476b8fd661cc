/**
 * Before the first task is dispatched: print the forecast for `--execute` (forecast.ts, from the
 * history of this folder) and, when its upper bound passes `budgetUsd`, ask on a terminal whether
 * to start (`--yes` answers for you). Without a terminal it never waits: it says so and goes on;
 * the budget governor still stops dispatching at the budget.
 */
import type { ProviderSpec, RoleConfig } from '../../protocol/index.js';
import { priceFor, priceTokens } from '../providers/prices.js';
import { forecastRun, type Forecast, type ForecastProvider } from './forecast.js';
import { readHistory } from './history.js';
import { roleOf, type RunContext } from './run-context.js';
import { chooseCritic, defaultEstimateUsd, providerForRun } from './team.js';

export interface BudgetQuestion {
  /** `--yes`: start without asking. */
  yes: boolean;
  /** Asks on the terminal and resolves with the answer; null without a terminal. */
  ask: ((question: string) => Promise<boolean>) | null;
}

export type BudgetDecision = 'within-budget' | 'ask' | 'go-yes' | 'go-no-terminal';

/** Whether a forecast must be confirmed before spending (pure). */
export function budgetDecision(highUsd: number, budgetUsd: number | null, mode: 'dry-run' | 'execute', question: BudgetQuestion): BudgetDecision {
  if (mode !== 'execute' || budgetUsd === null || highUsd <= budgetUsd) return 'within-budget';
  if (question.yes) return 'go-yes';
  return question.ask ? 'ask' : 'go-no-terminal';
}

/** Prints the forecast; resolves false when the user declined to start. */
export async function forecastBeforeSpend(rt: RunContext, say: (line: string) => void, question: BudgetQuestion): Promise<boolean> {
  const forecast = forecastOfRun(rt);
  for (const line of formatForecast(forecast, rt.config.loop.budgetUsd ?? null, rt.config.loop.maxParallel)) say(line);
  const budget = rt.config.loop.budgetUsd ?? null;
  const over = `the forecast's upper bound ${usd(forecast.costHighUsd)} passes the budget ${usd(budget ?? 0)}; the run stops dispatching once the budget is spent`;
  switch (budgetDecision(forecast.costHighUsd, budget, rt.mode, question)) {
    case 'within-budget':
      return true;
    case 'go-yes':
      say(`${over}; starting (--yes)`);
      return true;
    case 'go-no-terminal':
      say(`${over}; not asking (no terminal), starting`);
      return true;
    case 'ask': {
      const go = await question.ask!(`${over}. Start anyway? [y/N] `);
      if (!go) say('not started: raise loop.budgetUsd, trim the plan, or pass --yes to start anyway');
      return go;
    }
  }
}

export function forecastOfRun(rt: RunContext): Forecast {
  const view = rt.board.view;
  const pricing = (spec: ProviderSpec): ForecastProvider => {
    const { type, model, prices } = spec.config;
    const tokenBilled = type === 'codex' || type === 'gemini' || prices !== undefined;
    return {
      key: spec.key,
      estimateUsd: defaultEstimateUsd(spec),
      ...(tokenBilled ? { priceTokens: (tokens) => priceTokens(tokens, priceFor(type, model, prices)) } : {}),
    };
  };
  const role = (name: string): RoleConfig => roleOf(rt, name);
  return forecastRun({
    tasks: view.order.map((id) => view.tasks[id]!),
    implementerOf: (name) => pricing(providerForRun(rt.config, role(name), 'execute')),
    criticOf: (name) => {
      const critic = chooseCritic(rt.config, role(name));
      return critic ? pricing(providerForRun(rt.config, critic.role, 'execute')) : null;
    },
    maxParallel: rt.config.loop.maxParallel,
    roleConcurrency: Object.fromEntries(rt.config.roles.map((r) => [r.name, r.concurrency])),
    maxRepairs: rt.config.loop.maxRepairs,
  }, readHistory(rt.loaded.dir, rt.runId));
}

export function formatForecast(f: Forecast, budgetUsd: number | null, maxParallel: number): string[] {
  const chain = f.criticalPath.length > 6 ? [...f.criticalPath.slice(0, 3), '…', ...f.criticalPath.slice(-2)] : f.criticalPath;
  const source = f.historyRuns === 0
    ? 'no history yet (no earlier --execute run in this folder)'
    : `from ${f.historyRuns} earlier run${f.historyRuns === 1 ? '' : 's'} here`;
  const lines = [`forecast for --execute · ${f.tasks} task${f.tasks === 1 ? '' : 's'} · ${source}`];
  const path = `critical path ${chain.join(' → ')} (${f.criticalPath.length} task${f.criticalPath.length === 1 ? '' : 's'}`;
  lines.push(f.criticalPathMs === null
    ? `  ${path}); expected wall time: unknown until an --execute run has finished here with these providers`
    : `  ${path}, ~${duration(f.criticalPathMs)}); expected wall time ~${duration(f.wallMs!)} at maxParallel ${maxParallel}`);
  const attempts = f.attempts.low === f.attempts.high ? `${f.attempts.low}` : `${f.attempts.low}–${f.attempts.high}`;
  const estimated = f.estimated.length > 0 ? `; ${f.estimated.join(', ')} by loop's per-call estimate (no calls recorded yet)` : '';
  lines.push(`  cost ${usd(f.costLowUsd)}–${usd(f.costHighUsd)} (${attempts} attempt${attempts === '1' ? '' : 's'} per task${estimated})${budgetUsd === null ? ', no budget set' : ` · budget ${usd(budgetUsd)}`}`);
  return lines;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
