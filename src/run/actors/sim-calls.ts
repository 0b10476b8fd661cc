/** Answers of the `sim` provider to planner and critic calls, shaped like a real agent's result. */
import type { AgentResult, SimConfig } from '../../../protocol/index.js';

export function simAnswer(sim: SimConfig, text: string, ok = true): AgentResult {
  return {
    ok,
    text,
    usd: sim.costUsd,
    tokens: { input: 1200, output: 150 },
    model: 'sim',
    exitCode: ok ? 0 : 1,
    signal: null,
    timedOut: false,
    durationMs: 0,
    argv: [],
    ...(ok ? {} : { errorKind: 'exit' as const, errorMessage: text }),
  };
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
