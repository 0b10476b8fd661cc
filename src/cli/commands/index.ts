/** Every command class, one file per verb. */
import { InitCommand } from './init.js';
import { ValidateCommand } from './validate.js';
import { LearnCommand } from './learn.js';
import { RolesCommand } from './roles.js';
import { AuthStatusCommand } from './auth-status.js';
import { AuthConfigureCommand } from './auth-configure.js';
import { DoctorCommand } from './doctor.js';
import { RunCommand } from './run.js';
import { ResumeCommand } from './resume.js';
import { RunsCommand } from './runs.js';
import { CleanCommand } from './clean.js';
import { DemoCommand } from './demo.js';
import { StopCommand } from './stop.js';
import { LogsCommand } from './logs.js';
import { StatusCommand } from './status.js';
import { AttachCommand } from './attach.js';
import { StartCommand } from './start.js';
import { BenchCommand } from './bench.js';
import { MonitorCommand } from './monitor.js';
import { DashboardCommand } from './dashboard.js';
import { NatsSetupCommand } from './nats-setup.js';
import { RetryCommand } from './retry.js';
import { ApproveCommand } from './approve.js';

export const commands = [
  InitCommand, ValidateCommand, LearnCommand, RolesCommand, AuthStatusCommand, AuthConfigureCommand,
  DoctorCommand, RunCommand, ResumeCommand, RunsCommand, CleanCommand, DemoCommand, StopCommand, BenchCommand, MonitorCommand, DashboardCommand,
  NatsSetupCommand,
  LogsCommand, StatusCommand, AttachCommand, StartCommand, RetryCommand, ApproveCommand,
];
