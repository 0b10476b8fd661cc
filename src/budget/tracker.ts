/** The live budget of one run: the pure governor's state behind a small stateful wrapper. */
import { estimateUsd, newBudget, release, reserve, reservedUsd, settle, type BudgetState } from './governor.js';

export class BudgetTracker {
  #state: BudgetState;
  /**
   * Set the first time a call is refused for good (it would not fit even if every call in flight
   * cost nothing); the run stops dispatching from then on. A refusal caused only by reservations
   * leaves it unset: the call is asked again when they settle.
   */
  refused: { spentUsd: number; reservedUsd: number; estimateUsd: number } | null = null;
  /** Woken whenever a reservation settles or is released. */
  readonly #settledListeners = new Set<() => void>();

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

  /**
   * Reserves the estimate of one call. False when it does not fit now: `refused` is set when it
   * never will, otherwise the caller asks again after calls in flight settle.
   */
  tryReserve(callId: string, key: string, defaultUsd: number): boolean {
    const decision = reserve(this.#state, callId, estimateUsd(this.#state, key, defaultUsd));
    if (!decision.ok) {
      if (decision.final) this.refused ??= { spentUsd: decision.spentUsd, reservedUsd: decision.reservedUsd, estimateUsd: decision.estimateUsd };
      return false;
    }
    this.#state = decision.state;
    return true;
  }

  /**
   * Reserves, waiting for calls in flight to settle while only their reservations stand in the
   * way. False when the budget can never pay for the call (or `signal` aborts).
   */
  async reserveWhenSettled(callId: string, key: string, defaultUsd: number, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (this.tryReserve(callId, key, defaultUsd)) return true;
      if (this.refused !== null || signal.aborted || this.#state.reservations.size === 0) return false;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#settledListeners.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#settledListeners.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  settle(callId: string, key: string, usd: number): void {
    this.#state = settle(this.#state, callId, key, usd);
    this.#wake();
  }

  release(callId: string): void {
    this.#state = release(this.#state, callId);
    this.#wake();
  }

  #wake(): void {
    for (const listener of [...this.#settledListeners]) listener();
  }
}
