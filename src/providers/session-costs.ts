/**
 * claude's `total_cost_usd` and `modelUsage`, and codex's `turn.completed.usage`, are cumulative for
 * a session: after a resume the second call reports first + second. One instance per actor keeps
 * the last total of each session so every call is charged only for itself.
 */
import type { Tokens } from '../../protocol/index.js';

export class SessionCosts {
  private readonly usd = new Map<string, number>();
  private readonly tokens = new Map<string, Tokens>();

  /** This call's dollars, given the session's cumulative total it reported. */
  delta(sessionId: string | undefined, cumulativeUsd: number): number {
    if (sessionId === undefined) return cumulativeUsd;
    const previous = this.usd.get(sessionId) ?? 0;
    this.usd.set(sessionId, Math.max(previous, cumulativeUsd));
    return Math.max(0, cumulativeUsd - previous);
  }

  /** This call's tokens, given the session's cumulative counts it reported. */
  deltaTokens(sessionId: string | undefined, cumulative: Tokens): Tokens {
    if (sessionId === undefined) return cumulative;
    const previous = this.tokens.get(sessionId) ?? { input: 0, output: 0, cached: 0 };
    this.tokens.set(sessionId, {
      input: Math.max(previous.input, cumulative.input),
      output: Math.max(previous.output, cumulative.output),
      cached: Math.max(previous.cached ?? 0, cumulative.cached ?? 0),
    });
    return {
      input: Math.max(0, cumulative.input - previous.input),
      output: Math.max(0, cumulative.output - previous.output),
      cached: Math.max(0, (cumulative.cached ?? 0) - (previous.cached ?? 0)),
    };
  }
}
