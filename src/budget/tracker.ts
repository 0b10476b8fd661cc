/** The live budget of one run: the pure governor's state behind a small stateful wrapper. */
import { estimateUsd, newBudget, release, reserve, reservedUsd, settle, type BudgetState } from './governor.js';

export class BudgetTracker {
  #state: BudgetState;
  /** Set the first time a call is refused; the run stops dispatching from then on. */
  refused: { spentUsd: number; reservedUsd: number; estimateUsd: number } | null = null;

  constructor(budgetUsd: number | null, spentUsd = 0) {
    this.#state = newBudget(budgetUsd, spentUsd);
  }

  get budgetUsd(): number | null {
    return this.#state.budgetUsd;
  }

  get spentUsd(): number {
    return this.#state.spentUsd;
  }

  get reservedUsd(): number {
    return reservedUsd(this.#state);
  }

  /** Reserves the estimate of one call; false (and `refused` set) when it would pass the budget. */
  tryReserve(callId: string, key: string, defaultUsd: number): boolean {
    const decision = reserve(this.#state, callId, estimateUsd(this.#state, key, defaultUsd));
    if (!decision.ok) {
      this.refused ??= { spentUsd: decision.spentUsd, reservedUsd: decision.reservedUsd, estimateUsd: decision.estimateUsd };
      return false;
    }
    this.#state = decision.state;
    return true;
  }

  settle(callId: string, key: string, usd: number): void {
    this.#state = settle(this.#state, callId, key, usd);
  }

  release(callId: string): void {
    this.#state = release(this.#state, callId);
  }
}
