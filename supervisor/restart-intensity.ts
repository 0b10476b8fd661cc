/**
 * Restart intensity (OTP's `add_restart/3`): a supervisor keeps the times of its recent restarts;
 * more than `intensity` restarts within `periodMs` means it gives up. Pure; the clock is a parameter.
 */

export interface IntensityLimits { readonly intensity: number; readonly periodMs: number }
/** Restart times in ms, newest first. */
export type RestartWindow = readonly number[];

/**
 * Forget restarts older than the period, add `nowMs`, and say whether the count now exceeds the
 * intensity. The boundary is inclusive, as in OTP: with 1 in 5000 ms, a second restart exactly
 * 5000 ms after the first still exceeds.
 */
export function addRestart(window: RestartWindow, nowMs: number, { intensity, periodMs }: IntensityLimits): { window: RestartWindow; exceeded: boolean } {
  const threshold = nowMs - periodMs;
  const next = [nowMs, ...window.filter((restartedAt) => restartedAt >= threshold)];
  return { window: next, exceeded: next.length > intensity };
}
