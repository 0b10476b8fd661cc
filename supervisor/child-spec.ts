/**
 * Child specs (OTP's child spec maps and supervisor flags): the types, their defaults, and the one
 * function that validates a whole tree and merges the defaults (OTP's `check_childspecs`).
 */
import { isAbsolute } from 'node:path';
import { InvalidChildSpecError } from './errors.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';
export type Strategy = 'one_for_one' | 'rest_for_one' | 'one_for_all';
export interface BackoffOptions { minMs: number; maxMs: number; randomFactor: number; resetAfterMs?: number }

export interface WorkerSpec {
  type: 'worker';
  id: string;
  /** Absolute path of a compiled actor module whose default export is `defineActor({...})`. */
  module: string;
  input: unknown;
  restart?: RestartType;
  shutdownMs?: number;
  startTimeoutMs?: number;
  backoff?: BackoffOptions;
  logFile?: string;
  env?: Record<string, string>;
}

export interface SupervisorSpec {
  type: 'supervisor';
  id: string;
  strategy?: Strategy;
  intensity?: number;
  periodMs?: number;
  restart?: RestartType;
  /**
   * `abort` (OTP's boot semantics): a child that fails to start at boot aborts the boot and stops the
   * children already started. `retry`: it is restarted like a crash (counts toward intensity, with
   * backoff) and the boot goes on.
   */
  startFailure?: 'abort' | 'retry';
  children: ChildSpec[];
}

export type ChildSpec = WorkerSpec | SupervisorSpec;

/** OTP's defaults: 1 restart in 5 s, 5000 ms shutdown for workers, permanent, one_for_one. */
export const DEFAULT_INTENSITY = 1;
export const DEFAULT_PERIOD_MS = 5_000;
export const DEFAULT_SHUTDOWN_MS = 5_000;
/** Node boot plus the actor's own start(); generous because a loaded 2-core machine is slow. */
export const DEFAULT_START_TIMEOUT_MS = 10_000;
/** OTP restarts immediately; backoff is opt-in per worker. */
export const IMMEDIATE_RESTART: Readonly<Required<BackoffOptions>> = { minMs: 0, maxMs: 0, randomFactor: 0, resetAfterMs: 0 };

export interface NormalizedWorkerSpec {
  readonly type: 'worker';
  readonly id: string;
  readonly module: string;
  readonly input: unknown;
  readonly restart: RestartType;
  readonly shutdownMs: number;
  readonly startTimeoutMs: number;
  readonly backoff: Readonly<Required<BackoffOptions>>;
  readonly logFile: string | undefined;
  readonly env: Readonly<Record<string, string>>;
}

export interface NormalizedSupervisorSpec {
  readonly type: 'supervisor';
  readonly id: string;
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly periodMs: number;
  readonly restart: RestartType;
  readonly startFailure: 'abort' | 'retry';
  readonly children: readonly NormalizedChildSpec[];
}

export type NormalizedChildSpec = NormalizedWorkerSpec | NormalizedSupervisorSpec;

const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const STRATEGIES: readonly Strategy[] = ['one_for_one', 'rest_for_one', 'one_for_all'];

/** Validates the whole tree (ids unique anywhere in it) and applies the defaults. Throws InvalidChildSpecError. */
export function normalizeSupervisorSpec(spec: SupervisorSpec): NormalizedSupervisorSpec {
  const seen = new Set<string>();
  const root = normalizeChild(spec, '', seen);
  if (root.type !== 'supervisor') throw new InvalidChildSpecError(describe('', spec), 'the root must have type "supervisor"');
  return root;
}

function normalizeChild(spec: ChildSpec, parentPath: string, seen: Set<string>): NormalizedChildSpec {
  const path = describe(parentPath, spec);
  const fail = (message: string): never => { throw new InvalidChildSpecError(path, message); };
  if (typeof spec !== 'object' || spec === null) fail('expected an object with type "worker" or "supervisor"');
  if (typeof spec.id !== 'string' || spec.id.length === 0) fail('id must be a non-empty string');
  if (seen.has(spec.id)) fail(`duplicate id "${spec.id}": ids must be unique in the whole tree (calls address actors by id)`);
  seen.add(spec.id);
  const restart = spec.restart ?? 'permanent';
  if (!RESTART_TYPES.includes(restart)) fail(`restart must be one of ${RESTART_TYPES.join(', ')}, got "${String(restart)}"`);

  if (spec.type === 'worker') {
    if (typeof spec.module !== 'string' || !isAbsolute(spec.module)) fail(`module must be an absolute path to a compiled actor module, got "${String(spec.module)}"`);
    const shutdownMs = checkMs(spec.shutdownMs ?? DEFAULT_SHUTDOWN_MS, 'shutdownMs', 0, fail);
    const startTimeoutMs = checkMs(spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, 'startTimeoutMs', 1, fail);
    const backoff = normalizeBackoff(spec.backoff, fail);
    for (const [key, value] of Object.entries(spec.env ?? {})) {
      if (typeof value !== 'string') fail(`env.${key} must be a string, got ${typeof value}`);
    }
    if (spec.logFile !== undefined && (typeof spec.logFile !== 'string' || !isAbsolute(spec.logFile))) fail('logFile must be an absolute path');
    return {
      type: 'worker', id: spec.id, module: spec.module, input: spec.input, restart, shutdownMs, startTimeoutMs,
      backoff, logFile: spec.logFile, env: { ...(spec.env ?? {}) },
    };
  }
  if (spec.type !== 'supervisor') fail(`type must be "worker" or "supervisor", got "${String((spec as { type: unknown }).type)}"`);
  const strategy = spec.strategy ?? 'one_for_one';
  if (!STRATEGIES.includes(strategy)) fail(`strategy must be one of ${STRATEGIES.join(', ')}, got "${String(strategy)}"`);
  const intensity = spec.intensity ?? DEFAULT_INTENSITY;
  if (!Number.isInteger(intensity) || intensity < 0) fail(`intensity must be an integer ≥ 0, got ${intensity}`);
  const periodMs = checkMs(spec.periodMs ?? DEFAULT_PERIOD_MS, 'periodMs', 1, fail);
  const startFailure = spec.startFailure ?? 'abort';
  if (startFailure !== 'abort' && startFailure !== 'retry') fail(`startFailure must be "abort" or "retry", got "${String(startFailure)}"`);
  if (!Array.isArray(spec.children)) fail('children must be an array (it may be empty)');
  const children = spec.children.map((child) => normalizeChild(child, path, seen));
  return { type: 'supervisor', id: spec.id, strategy, intensity, periodMs, restart, startFailure, children };
}

function normalizeBackoff(backoff: BackoffOptions | undefined, fail: (message: string) => never): Required<BackoffOptions> {
  if (backoff === undefined) return { ...IMMEDIATE_RESTART };
  const minMs = checkMs(backoff.minMs, 'backoff.minMs', 0, fail);
  const maxMs = checkMs(backoff.maxMs, 'backoff.maxMs', 0, fail);
  if (minMs > maxMs) fail(`backoff.minMs (${minMs}) is greater than backoff.maxMs (${maxMs}); swap them`);
  const { randomFactor } = backoff;
  if (typeof randomFactor !== 'number' || !Number.isFinite(randomFactor) || randomFactor < 0) {
    fail(`backoff.randomFactor must be a number ≥ 0 (0.2 = up to 20 % jitter), got ${String(randomFactor)}`);
  }
  // Akka's default: reset after (min + max) / 2 of stable running.
  const resetAfterMs = checkMs(backoff.resetAfterMs ?? (minMs + maxMs) / 2, 'backoff.resetAfterMs', 0, fail);
  return { minMs, maxMs, randomFactor, resetAfterMs };
}

/** Node timers fire at once (with a warning) beyond 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2_147_483_647;

function checkMs(value: unknown, key: string, min: number, fail: (message: string) => never): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    fail(`${key} must be a number of milliseconds between ${min} and ${MAX_TIMER_MS}, got ${String(value)}`);
  }
  return value as number;
}

function describe(parentPath: string, spec: { id?: unknown } | null | undefined): string {
  const id = typeof spec?.id === 'string' && spec.id.length > 0 ? spec.id : '(no id)';
  return parentPath === '' ? `"${id}"` : `${parentPath} › "${id}"`;
}
