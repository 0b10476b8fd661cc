/**
 * The budget governor (pure): every provider call first reserves an estimate; a call is refused
 * when spent + reserved + estimate would pass the budget; the real cost then replaces the
 * reservation. With estimates at least as large as real calls, spend never exceeds the budget;
 * with an under-estimate, by at most the calls already in flight. A refusal is final only when the
 * call would not fit even if every call in flight cost nothing; a refusal caused by reservations
 * alone is asked again once they settle (they may settle below their estimates).
 */
export interface BudgetState {
  readonly budgetUsd: number | null;
  readonly spentUsd: number;
  /** Open reservations by call id. */
  readonly reservations: ReadonlyMap<string, number>;
  /** Most expensive observed call per estimate key (provider + phase). */
  readonly observedMaxUsd: ReadonlyMap<string, number>;
}

export const newBudget = (budgetUsd: number | null, spentUsd = 0): BudgetState => ({
  budgetUsd,
  spentUsd,
  reservations: new Map(),
  observedMaxUsd: new Map(),
});

export const reservedUsd = (state: BudgetState): number => [...state.reservations.values()].reduce((a, b) => a + b, 0);

/** What a call is expected to cost: the most expensive call seen for this key, else the configured default. */
export function estimateUsd(state: BudgetState, key: string, defaultUsd: number): number {
  return state.observedMaxUsd.get(key) ?? defaultUsd;
}

export type ReserveDecision =
  | { ok: true; state: BudgetState }
  | { ok: false; state: BudgetState; spentUsd: number; reservedUsd: number; estimateUsd: number; final: boolean };

export function reserve(state: BudgetState, callId: string, estimate: number): ReserveDecision {
  if (state.budgetUsd !== null) {
    const reserved = reservedUsd(state);
    // A tiny epsilon so that, e.g., 0.1 + 0.2 does not refuse a call that exactly fits.
    if (state.spentUsd + reserved + estimate > state.budgetUsd + 1e-9) {
      // Settling can only add to spent, so a call that does not fit over spent alone never will.
      const final = state.spentUsd + estimate > state.budgetUsd + 1e-9;
      return { ok: false, state, spentUsd: state.spentUsd, reservedUsd: reserved, estimateUsd: estimate, final };
    }
  }
  const reservations = new Map(state.reservations);
  reservations.set(callId, estimate);
  return { ok: true, state: { ...state, reservations } };
}

/** Replaces a reservation by the real cost (also used for calls that were never reserved, e.g. a re-ask). */
export function settle(state: BudgetState, callId: string, key: string, actualUsd: number): BudgetState {
  const reservations = new Map(state.reservations);
  reservations.delete(callId);
  const observedMaxUsd = new Map(state.observedMaxUsd);
  observedMaxUsd.set(key, Math.max(observedMaxUsd.get(key) ?? 0, actualUsd));
  return { ...state, spentUsd: state.spentUsd + actualUsd, reservations, observedMaxUsd };
}

/** Drops a reservation whose call never happened. */
export function release(state: BudgetState, callId: string): BudgetState {
  if (!state.reservations.has(callId)) return state;
  const reservations = new Map(state.reservations);
  reservations.delete(callId);
  return { ...state, reservations };
}

/** Default per-call estimates (dollars) until a provider's real calls have been priced. */
export const DEFAULT_ESTIMATE_USD: Record<string, number> = {
  claude: 0.5,
  codex: 0.3,
  gemini: 0.2,
  command: 0,
  custom: 0,
  sim: 0,
};
