/**
 * `loop.config.yaml`: the seed's keys (version, providers, repositories, roles, defaults) plus the
 * `loop:` block. Every object is strict so a typo is an error (the anchor's zod schema stripped
 * them silently). Defaults are applied here, once, so the inferred output type is the resolved
 * config every other module reads.
 */
import * as v from 'valibot';
import { RoleNameSchema, RUN_ID_PATTERN } from './ids.js';

const PositiveInt = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be a positive number'));
const NonNegativeInt = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0, 'must be zero or more'));
const PositiveNumber = v.pipe(v.number(), v.gtValue(0, 'must be a positive number'));
const NonNegativeNumber = v.pipe(v.number(), v.minValue(0, 'must be zero or more'));
const NonEmptyString = v.pipe(v.string(), v.minLength(1, 'must not be empty'));

export const PROVIDER_TYPES = ['claude', 'codex', 'gemini', 'command', 'custom', 'sim'] as const;
export const ProviderTypeSchema = v.picklist(PROVIDER_TYPES);
export type ProviderType = v.InferOutput<typeof ProviderTypeSchema>;

export const AuthSchema = v.strictObject({
  mode: v.optional(v.picklist(['auto', 'subscription', 'api-key', 'env']), 'auto'),
  env: v.optional(v.string()),
  configured: v.optional(v.boolean(), false),
  notes: v.optional(v.string()),
});

/** What a `sim` agent does. `crash-on-start` makes its actor fail the start handshake. */
export const SIM_BEHAVIOURS = [
  'ok', 'fail', 'crash', 'crash-on-start', 'hang', 'garbage', 'no-changes', 'reject',
] as const;
export const SimBehaviourSchema = v.picklist(SIM_BEHAVIOURS);
export type SimBehaviour = v.InferOutput<typeof SimBehaviourSchema>;

/**
 * One step of a scripted sim agent: say something, write a whole file, insert text into a file
 * before or after an anchor (or at its end), or run a command in the worktree. Exactly one of
 * `say`, `write`, `patch`, `run` per step.
 */
export const SimStepSchema = v.pipe(
  v.strictObject({
    say: v.optional(v.string()),
    write: v.optional(NonEmptyString),
    content: v.optional(v.string()),
    patch: v.optional(NonEmptyString),
    before: v.optional(NonEmptyString),
    after: v.optional(NonEmptyString),
    insert: v.optional(v.string()),
    run: v.optional(NonEmptyString),
  }),
  v.check((step) => [step.say, step.write, step.patch, step.run].filter((x) => x !== undefined).length === 1, 'a step has exactly one of say, write, patch or run'),
  v.check((step) => step.write === undefined || step.content !== undefined, 'a write step needs content'),
  v.check((step) => step.patch === undefined || step.insert !== undefined, 'a patch step needs insert (and before or after, or neither to append)'),
  v.check((step) => step.before === undefined || step.after === undefined, 'a patch step takes before or after, not both'),
);
export type SimStep = v.InferOutput<typeof SimStepSchema>;

/** What a sim agent does for the tasks it matches (by id, or by words in the title). */
export const SimScriptSchema = v.pipe(
  v.strictObject({
    task: v.optional(NonEmptyString),
    /** Case-insensitive words the task title contains. */
    title: v.optional(NonEmptyString),
    steps: v.pipe(v.array(SimStepSchema), v.minLength(1, 'give the script at least one step')),
  }),
  v.check((script) => script.task !== undefined || script.title !== undefined, 'a script entry needs task (an id) or title (words of the task title)'),
);
export type SimScript = v.InferOutput<typeof SimScriptSchema>;

export const SimSchema = v.strictObject({
  /** Time each simulated call takes. */
  latencyMs: v.optional(NonNegativeInt, 0),
  /** Extra deterministic spread (hash of task and attempt), so sim runs have a makespan worth measuring. */
  jitterMs: v.optional(NonNegativeInt, 0),
  /** > 0: `latencyMs` is the median of a log-normal spread of this sigma (deterministic per task and attempt). */
  latencySigma: v.optional(NonNegativeNumber, 0),
  /** Dollars each simulated call reports. */
  costUsd: v.optional(NonNegativeNumber, 0),
  behaviour: v.optional(SimBehaviourSchema, 'ok'),
  /** The first N attempts of every task behave as `behaviour`; later attempts succeed. 0 = always. */
  failAttempts: v.optional(NonNegativeInt, 0),
  /** Per-task overrides, e.g. `{t3: crash}`. */
  tasks: v.optional(v.record(v.string(), SimBehaviourSchema), {}),
  /** Tasks the sim planner creates per implementer role (the goal's parts are spread over them). */
  tasksPerRole: v.optional(PositiveInt, 1),
  /** Scripted work per task (execute mode): files written or patched, commands run; the first matching entry applies. */
  script: v.optional(v.array(SimScriptSchema), []),
});
export type SimConfig = v.InferOutput<typeof SimSchema>;

export const PriceSchema = v.strictObject({
  inputPerMTok: NonNegativeNumber,
  outputPerMTok: NonNegativeNumber,
  cachedInputPerMTok: v.optional(NonNegativeNumber),
});
export type Price = v.InferOutput<typeof PriceSchema>;

export const ProviderSchema = v.strictObject({
  type: ProviderTypeSchema,
  /** Executable to run; defaults to the type name (claude, codex, gemini). */
  command: v.optional(NonEmptyString),
  /** Extra arguments appended to the generated argv. */
  args: v.optional(v.array(v.string()), []),
  model: v.optional(NonEmptyString),
  /** claude `--effort`, codex `-c model_reasoning_effort=`; gemini has none. */
  effort: v.optional(v.picklist(['minimal', 'low', 'medium', 'high', 'xhigh', 'max'])),
  /** claude `--dangerously-skip-permissions` (and IS_SANDBOX=1 when running as root). */
  dangerouslySkipPermissions: v.optional(v.boolean(), false),
  /** codex `--dangerously-bypass-approvals-and-sandbox`, gemini `--approval-mode yolo`. */
  yolo: v.optional(v.boolean(), false),
  /** claude `--permission-mode` for implementers when not skipping permissions. */
  permissionMode: v.optional(v.picklist(['acceptEdits', 'bypassPermissions', 'default', 'manual', 'plan', 'auto', 'dontAsk'])),
  auth: v.optional(AuthSchema),
  env: v.optional(v.record(v.string(), v.string()), {}),
  /** The seed's `loop start` prompt delivery; kept for compatibility. */
  promptMode: v.optional(v.picklist(['interactive', 'stdin', 'argument']), 'interactive'),
  /** Per-call deadline; defaults to `loop.taskTimeoutMinutes`. */
  timeoutMinutes: v.optional(PositiveNumber),
  /** Dollars reserved before a call until real calls of this provider have been priced. */
  estimateUsd: v.optional(NonNegativeNumber),
  /** Overrides the shipped price table (tokens → dollars) for codex, gemini and command. */
  prices: v.optional(PriceSchema),
  /** `command` type: argv template; `{prompt}`, `{promptFile}`, `{systemPromptFile}`, `{workdir}` are replaced. */
  argv: v.optional(v.array(v.string())),
  /** `command` type: stdout is JSON and this dotted path holds the final text (e.g. `result`). */
  resultPath: v.optional(NonEmptyString),
  /** `command` type: dotted path of a dollar figure in the JSON output. */
  costPath: v.optional(NonEmptyString),
  sim: v.optional(SimSchema),
  /** A provider with `enabled: false` stays in the file but cannot be used by a role. */
  enabled: v.optional(v.boolean(), true),
});
export type ProviderConfig = v.InferOutput<typeof ProviderSchema>;

export const RepositorySchema = v.strictObject({
  name: RoleNameSchema,
  /** Absolute, `~/…`, or relative to the config file's folder. */
  path: NonEmptyString,
  /** The seed's hint of what the repository is (frontend, backend, …); informational. */
  role: v.optional(v.string()),
  /** Branch the team's work lands on; defaults to the checkout's current branch. */
  defaultBranch: v.optional(NonEmptyString),
  /** Branches loop never writes: the work stays on its branch and the landing command is printed. */
  protectedBranches: v.optional(v.array(v.string()), []),
  /** Run once in each new worktree slot (and again when the lockfile changes), e.g. `npm ci`. */
  setup: v.optional(v.string()),
  /** Overrides the learned test command for the gate. */
  testCommand: v.optional(v.string()),
  /** Untracked files copied into each new slot, such as `.env`. */
  copyFiles: v.optional(v.array(v.string()), []),
});
export type RepositoryConfig = v.InferOutput<typeof RepositorySchema>;

export const RoleSchema = v.strictObject({
  name: RoleNameSchema,
  title: v.optional(v.string()),
  /** Key under `providers`. */
  provider: NonEmptyString,
  /** One of the 27 built-in disciplines (`loop roles`); the role inherits its expert prompt. */
  sme: v.optional(v.string()),
  repositories: v.optional(v.array(v.string()), []),
  responsibilities: v.optional(v.array(v.string()), []),
  guardrails: v.optional(v.array(v.string()), []),
  /** How many of this role's tasks may run at once. */
  concurrency: v.optional(PositiveInt, 1),
  /** Seed compatibility (`loop start`). */
  autoStart: v.optional(v.boolean(), true),
});
export type RoleConfig = v.InferOutput<typeof RoleSchema>;

export const DefaultsSchema = v.strictObject({
  /** Prefix of tmux session names. */
  namespace: v.optional(v.pipe(v.string(), v.regex(RUN_ID_PATTERN, 'use letters, digits, "-" or "_" (tmux renames "." and ":")')), 'loop'),
  dashboardPort: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'must be a port number between 1 and 65535'), v.maxValue(65535, 'must be a port number between 1 and 65535')), 4318),
  /** Seed key, accepted and ignored: prompts live in `.loop/runs/<run>/prompts/`. */
  promptDir: v.optional(v.string()),
  /** Seed key, accepted and ignored: runs live in `.loop/runs/`. */
  runDir: v.optional(v.string()),
});

export const RestartIntensitySchema = v.strictObject({
  /** Restarts tolerated inside the period before the role gives up (OTP intensity). */
  intensity: v.optional(NonNegativeInt, 3),
  periodSeconds: v.optional(PositiveNumber, 300),
});

export const BackoffSchema = v.strictObject({
  minMs: v.optional(NonNegativeInt, 500),
  maxMs: v.optional(PositiveInt, 30_000),
  randomFactor: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.2),
});

export const LAND_POLICIES = ['merged', 'all', 'none', 'pr'] as const;
export type LandPolicy = (typeof LAND_POLICIES)[number];

export const PRE_MERGE_TESTS = ['always', 'auto', 'never'] as const;
export type PreMergeTests = (typeof PRE_MERGE_TESTS)[number];

/**
 * A passing train of 16 costs one suite run where two of 8 cost two; a red one costs one more
 * bisection run (⌈log2 16⌉ = 4 with one test slot, 3 for 8). The size adapts below the cap anyway.
 */
export const DEFAULT_MAX_TRAIN = 16;

/** How the gate spends test runs: in the agent's slot before review, and in merge trains. */
export const GateSettingsSchema = v.strictObject({
  /**
   * Whether a change's tests also run in its own slot before the merge train tests it: `always`;
   * `never` (the train is the only test run); `auto` (default) skips it when the change will be in
   * the next train anyway. The tamper check runs per change whatever this says.
   */
  preMergeTests: v.optional(v.picklist(PRE_MERGE_TESTS), 'auto'),
  /** Most accepted changes merged and tested together in one train (the size adapts up to this). */
  maxTrain: v.optional(PositiveInt, DEFAULT_MAX_TRAIN),
  /** The gate's own slots for suite runs (a red train's halves are tested in parallel in them); default: one per two cores. */
  testSlots: v.optional(PositiveInt),
  /**
   * How long a train that could leave waits for changes still on their way (agents at work, changes
   * under review): `auto` (default) at most one suite run, as measured in this run; or seconds (0: never waits).
   */
  trainWait: v.optional(v.union([v.literal('auto'), v.pipe(v.number(), v.minValue(0), v.maxValue(86_400))], 'must be "auto" or seconds from 0 (never wait) to 86400'), 'auto'),
});
export type GateSettings = v.InferOutput<typeof GateSettingsSchema>;

/** Where the board lives: `local` (a JSONL file, no server) or `nats` (a JetStream stream plus that file as a mirror). */
export const ENGINES = ['local', 'nats'] as const;
export type Engine = (typeof ENGINES)[number];

export const NatsTlsSchema = v.strictObject({
  /** CA certificate (PEM) the server's certificate must chain to. */
  ca: v.optional(NonEmptyString),
  /** Client certificate and key (PEM) for mutual TLS. */
  cert: v.optional(NonEmptyString),
  key: v.optional(NonEmptyString),
});

/** How to reach the NATS server of `loop.engine: nats`. File paths: absolute, `~/…`, or relative to the config's folder. */
export const NatsSchema = v.strictObject({
  /** `nats://host:port` (or `tls://…`); several servers separated by commas. */
  url: NonEmptyString,
  /** A file holding an nkey seed (`loop nats setup` writes `supervisor.nk`). */
  nkey: v.optional(NonEmptyString),
  /** A `.creds` file (JWT and seed) of an operator-mode server. */
  creds: v.optional(NonEmptyString),
  tls: v.optional(NatsTlsSchema),
  /**
   * Who runs the SME agents: `local` (default: the supervisor's own actors) or `workers` (the
   * role's work queue on the server, taken by `loop worker` processes).
   */
  dispatch: v.optional(v.picklist(['local', 'workers'])),
  /** With `dispatch: workers`: the lease a worker holds on a task and extends while its agent runs (default 30). */
  leaseSeconds: v.optional(PositiveInt),
  /**
   * With `dispatch: workers`: the git remote workers clone from and push task branches to, as a
   * remote name of each repository (default `origin`) or a URL (one repository only).
   */
  remote: v.optional(NonEmptyString),
});
export type NatsSettings = v.InferOutput<typeof NatsSchema>;

/** Needs-attention notifications: a task escalated, the budget was reached, the run ended. */
export const NotifySchema = v.strictObject({
  /** Ring the terminal bell in the viewport panes and the terminal running `loop run`. */
  bell: v.optional(v.boolean(), true),
  /**
   * A desktop notification through `notify-send` (Linux) or `osascript` (macOS), when present:
   * `auto` for runs with a terminal or detached (not for piped runs: CI, scripts), or always/never.
   */
  desktop: v.optional(v.union([v.boolean(), v.literal('auto')]), 'auto'),
  /** A shell command run with the event as JSON on stdin (for example a Slack webhook through curl). */
  command: v.optional(NonEmptyString),
});
export type NotifySettings = v.InferOutput<typeof NotifySchema>;

export const VIEWPORT_MODES = ['auto', 'keep', 'off'] as const;

export const LoopSchema = v.strictObject({
  /** Role whose provider turns the goal into tasks. */
  planner: v.optional(v.string()),
  /** Role whose provider reviews every diff (the critic). */
  reviewer: v.optional(v.string()),
  /** Agents running at once across the team (a change in its gate, review or merge train no longer holds one). */
  maxParallel: v.optional(PositiveInt, 2),
  /** Repair attempts after the first one (a task gets at most 1 + maxRepairs attempts). */
  maxRepairs: v.optional(NonNegativeInt, 2),
  /** Re-dispatches after failures (crashed or hung agents, rate limits), separate from repairs. */
  maxRetries: v.optional(NonNegativeInt, 2),
  /** Spend cap in dollars; omit for no cap. */
  budgetUsd: v.optional(PositiveNumber),
  taskTimeoutMinutes: v.optional(PositiveNumber, 30),
  testTimeoutMinutes: v.optional(PositiveNumber, 15),
  restartIntensity: v.optional(RestartIntensitySchema, {}),
  backoff: v.optional(BackoffSchema, {}),
  /** Extra files (globs) the agents must not change, on top of tests, CI and runner configs. */
  protectedPaths: v.optional(v.array(v.string()), []),
  /** Overrides the learned test command for every repository. */
  testCommand: v.optional(v.string()),
  /** Overrides the learned setup command for every repository. */
  setup: v.optional(v.string()),
  /**
   * What happens to the merged work at the end of a run: `merged` fast-forwards your branch to
   * what merged even when other tasks escalated; `all` only when every task merged; `none` never
   * touches your checkout (the command is printed); `pr` pushes the integration branch and opens
   * a pull request with `gh`.
   */
  land: v.optional(v.picklist(LAND_POLICIES), 'merged'),
  gate: v.optional(GateSettingsSchema, {}),

  /** `local`: the board is a JSONL file; `nats`: a JetStream stream on `loop.nats`, mirrored to that file. */
  engine: v.optional(v.picklist(ENGINES), 'local'),
  nats: v.optional(NatsSchema),

  /**
   * The tmux viewport (one pane per role): `auto` opens it when the run has a terminal (or is
   * detached) and tmux is installed, and closes it when the run ends; `keep` leaves it open,
   * read-only, until you close it; `off` never opens it.
   */
  viewport: v.optional(v.picklist(VIEWPORT_MODES), 'auto'),
  notify: v.optional(NotifySchema, {}),
  /**
   * Wait after planning until a person approves the plan (`loop approve`, or the dashboard's
   * approve button) before anything is dispatched or spent; `loop run --approve-plan` asks once.
   */
  approvePlan: v.optional(v.boolean(), false),
});
export type LoopSettings = v.InferOutput<typeof LoopSchema>;

export const ConfigSchema = v.strictObject({
  version: v.literal(1, 'version must be 1'),
  /** Project name shown in the dashboard and tmux; defaults to the config folder's name. */
  project: v.optional(v.pipe(v.string(), v.regex(RUN_ID_PATTERN, 'use letters, digits, "-" or "_"'))),
  /** Project brief sent to every role. */
  brief: v.optional(v.string(), 'brief.md'),
  /** Output of `loop learn`, sent to every role. */
  intelligence: v.optional(v.string(), 'PROJECT-INTELLIGENCE.md'),
  defaults: v.optional(DefaultsSchema, {}),
  providers: v.record(v.string(), ProviderSchema),
  repositories: v.optional(v.array(RepositorySchema), []),
  roles: v.pipe(v.array(RoleSchema), v.minLength(1, 'define at least one role')),
  loop: v.optional(LoopSchema, {}),
});
export type LoopConfig = v.InferOutput<typeof ConfigSchema>;
export type LoopConfigInput = v.InferInput<typeof ConfigSchema>;
