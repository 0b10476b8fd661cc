/** Answers of the `sim` provider to planner and critic calls, shaped like a real agent's result. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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

/** The sim agent's transcript, so `logs/<task>.<attempt>.log` exists for every attempt, sim or real. */
export function writeSimTranscript(logFile: string, title: string, result: AgentResult): void {
  const lines = [
    `# sim agent · ${title}`,
    `# ${new Date().toISOString()}`,
    result.text,
    `# ${result.ok ? 'ok' : `failed (${result.errorKind ?? 'error'})`} in ${result.durationMs} ms, $${result.usd.toFixed(4)}`,
    '',
  ];
  mkdirSync(dirname(logFile), { recursive: true });
  appendFileSync(logFile, lines.join('\n'));
}
