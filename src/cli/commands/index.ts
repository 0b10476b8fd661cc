/**
 * Every command class, one file per verb, loaded by the verb it serves: a command imports only its
 * own dependencies, so `loop status` does not pay for the run pipeline, the dashboard server or the
 * learn workers (loading all of them took ~0.7 s of every invocation). Help, a bare `loop` and an
 * unknown verb load them all, for the listing and for "did you mean".
 */
import type { CommandClass } from 'clipanion';

type Loader = () => Promise<CommandClass[]>;

/** The first word of a command's path → its command classes. */
const BY_VERB: Readonly<Record<string, Loader>> = {
  init: async () => [(await import('./init.js')).InitCommand],
  validate: async () => [(await import('./validate.js')).ValidateCommand],
  learn: async () => [(await import('./learn.js')).LearnCommand],
  roles: async () => [(await import('./roles.js')).RolesCommand],
  auth: async () => [(await import('./auth-status.js')).AuthStatusCommand, (await import('./auth-configure.js')).AuthConfigureCommand],
  doctor: async () => [(await import('./doctor.js')).DoctorCommand],
  run: async () => [(await import('./run.js')).RunCommand],
  resume: async () => [(await import('./resume.js')).ResumeCommand],
  runs: async () => [(await import('./runs.js')).RunsCommand],
  clean: async () => [(await import('./clean.js')).CleanCommand],
  demo: async () => [(await import('./demo.js')).DemoCommand],
  stop: async () => [(await import('./stop.js')).StopCommand],
  bench: async () => [(await import('./bench.js')).BenchCommand],
  monitor: async () => [(await import('./monitor.js')).MonitorCommand],
  dashboard: async () => [(await import('./dashboard.js')).DashboardCommand],
  nats: async () => [(await import('./nats-setup.js')).NatsSetupCommand],
  worker: async () => [(await import('./worker.js')).WorkerCommand],
  logs: async () => [(await import('./logs.js')).LogsCommand],
  status: async () => [(await import('./status.js')).StatusCommand],
  attach: async () => [(await import('./attach.js')).AttachCommand],
  start: async () => [(await import('./start.js')).StartCommand],
  retry: async () => [(await import('./retry.js')).RetryCommand],
  approve: async () => [(await import('./approve.js')).ApproveCommand],
};

/** The command classes `argv` can reach: those of its verb, or every one when the verb is not known. */
export async function commandsFor(argv: readonly string[]): Promise<CommandClass[]> {
  const verb = argv[0];
  if (argv.length === 1 && (verb === '--version' || verb === '-v')) return [];
  const loader = verb === undefined ? undefined : BY_VERB[verb];
  if (loader !== undefined) return loader();
  return allCommands();
}

export async function allCommands(): Promise<CommandClass[]> {
  return (await Promise.all(Object.values(BY_VERB).map((load) => load()))).flat();
}
