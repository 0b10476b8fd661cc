/**
 * Delay before a restart (Akka's `calculateDelay`, which OTP lacks): exponential from `minMs`,
 * capped at `maxMs`, then stretched by up to `randomFactor` so that actors sharing one provider's
 * rate limit do not all come back at the same instant. Pure; `random` is a parameter.
 */
import type { BackoffOptions } from './child-spec.js';

/** `min(maxMs, minMs * 2^restartCount) * (1 + random * randomFactor)`, in whole ms. */
export function backoffDelayMs(restartCount: number, { minMs, maxMs, randomFactor }: BackoffOptions, random: number): number {
  // minMs = 0 would give 0 * Infinity = NaN for large counts; it always means "no delay".
  if (minMs === 0 || maxMs === 0) return 0;
  const exponential = minMs * 2 ** Math.min(restartCount, 52);
  return Math.round(Math.min(maxMs, exponential) * (1 + random * randomFactor));
}

export interface BackoffStep { readonly delayMs: number; readonly restartCount: number }

/**
 * The delay for the next restart and the new consecutive-restart count. A child that ran for at
 * least `resetAfterMs` before it died starts again from `minMs` (Akka's reset after stable uptime).
 * `uptimeMs` is null when the child never reached `running` (a failed start): no reset.
 */
export function nextBackoff({ restartCount, uptimeMs, options, random }: {
  restartCount: number;
  uptimeMs: number | null;
  options: BackoffOptions;
  random: number;
}): BackoffStep {
  const resetAfterMs = options.resetAfterMs ?? (options.minMs + options.maxMs) / 2;
  const count = uptimeMs !== null && uptimeMs >= resetAfterMs ? 0 : restartCount;
  return { delayMs: backoffDelayMs(count, options, random), restartCount: count + 1 };
}
