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

/**
 * The sim agent's transcript, so `logs/<task>.<attempt>.log` exists for every attempt, sim or real,
 * written line by line as the agent works (the panes follow it live).
 */
export function simTranscript(logFile: string, title: string): { line: (text: string) => void; end: (result: AgentResult | null) => void } {
  mkdirSync(dirname(logFile), { recursive: true });
  const started = Date.now();
  // the same head as a real agent's transcript (providers/transcript.ts), with no command line to show
  appendFileSync(logFile, `# loop agent transcript ${new Date(started).toISOString()}\n# built-in sim agent (no CLI) · ${title}\n`);
  return {
    line: (text) => appendFileSync(logFile, `${text}\n`),
    end: (result) => {
      const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
      appendFileSync(logFile, result === null ? `# the agent crashed after ${took}\n` : `# ${result.ok ? 'done' : `failed (${result.errorKind ?? 'error'})`} in ${took} · $${result.usd.toFixed(2)}\n`);
    },
  };
}
