/**
 * The project's test command, run the way the gate needs it: own process group, stdin closed,
 * the whole group killed at the deadline, full output in the log file, the per-test report the
 * regression rule compares, and evidence (failing tests with their assertion messages) that can
 * go word for word into a repair prompt.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '../auth/executable.js';
import { buildEvidence, extractFailures, lastLines, readTestReport, summaryLine, type TestReport } from './evidence/index.js';
import { commandEnv, runShell } from '../git/shell.js';
import { isNpmTest, npmrcPaths, npmTestScript, type NpmScript } from './npm-script.js';

export interface TestRun {
  status: 'passed' | 'failed' | 'timed-out' | 'error';
  exitCode: number | null;
  durationMs: number;
  /** Failing test names. */
  failures: string[];
  /** Which tests ran and how each ended; null when the output is in no format loop reads. */
  report: TestReport | null;
  /** Whether the output printed a test summary (what an unreadable output is judged by). */
  summary: 'tests' | 'zero' | 'none';
  /** Failing tests with their assertion messages, then the last lines of output; a few KB at most. */
  evidence: string;
  outputTail: string;
}

export interface RunTestsOptions {
  cwd: string;
  command: string;
  timeoutMs: number;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The suite's process group, so the caller can adopt it (it must die with a crashing gate). */
  onStart?: (pid: number) => void;
  onExit?: (pid: number) => void;
}

/** Exit codes of `sh` for a command that is missing or not executable: the suite never ran. */
const NOT_RUN_CODES = new Set([126, 127]);

export async function runTests(options: RunTestsOptions): Promise<TestRun> {
  if (!existsSync(options.cwd)) {
    const evidence = `The test command could not run: the folder ${options.cwd} does not exist.`;
    return { status: 'error', exitCode: null, durationMs: 0, failures: [], report: null, summary: 'none', evidence, outputTail: '' };
  }
  const env = commandEnv(options.env);
  const direct = npmScript(options.cwd, options.command, env);
  const result = await runShell({
    cwd: options.cwd,
    command: direct?.script ?? options.command,
    ...(direct ? { shown: `${direct.script}   (the script \`${options.command}\` runs, run as npm would without starting npm)` } : {}),
    timeoutMs: options.timeoutMs,
    logFile: options.logFile,
    env: direct ? { ...env, ...direct.env } : env,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onExit ? { onExit: options.onExit } : {}),
  });
  const status: TestRun['status'] = result.timedOut
    ? 'timed-out'
    : result.spawnError !== null || result.aborted || (result.exitCode !== null && NOT_RUN_CODES.has(result.exitCode))
      ? 'error'
      : result.exitCode === 0
        ? 'passed'
        : 'failed';
  const relative = relativeTo(options.cwd);
  const failures = extractFailures(result.output).map((failure) => ({ ...failure, name: relative(failure.name) }));
  const headline = describe(status, options, result);
  return {
    status,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    failures: failures.map((failure) => failure.name),
    report: status === 'passed' || status === 'failed' ? readTestReport(result.output, failures, relative) : null,
    summary: summaryLine(result.output),
    evidence: buildEvidence(result.output, failures, { headline, cwd: options.cwd }),
    outputTail: lastLines(result.output, 40, 4000),
  };
}

/** The package's test script when npm would only run that (see npm-script.ts); reads what npm would read. */
function npmScript(cwd: string, command: string, env: NodeJS.ProcessEnv): NpmScript | null {
  if (!isNpmTest(command)) return null;
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };
  const npmrcs = npmrcPaths(cwd, env, process.execPath).map(read).filter((text): text is string => text !== null);
  const npmInstalled = findExecutable('npm', env, cwd) !== null;
  return npmTestScript({ command, cwd, packageJson: read(join(cwd, 'package.json')), npmrcs, env, execPath: process.execPath, npmInstalled });
}

/** Strips the working folder (as given and as resolved) from absolute paths in test names, so runs in different slots compare. */
function relativeTo(cwd: string): (text: string) => string {
  let resolved = cwd;
  try {
    resolved = realpathSync(cwd);
  } catch {
    // keep the path as given
  }
  const prefixes = [...new Set([`${cwd}/`, `${resolved}/`])];
  return (text) => prefixes.reduce((name, prefix) => name.split(prefix).join(''), text);
}

function describe(status: TestRun['status'], options: RunTestsOptions, result: Awaited<ReturnType<typeof runShell>>): string {
  const command = `\`${options.command}\``;
  if (status === 'timed-out') {
    return `The test command ${command} did not finish within ${formatMs(options.timeoutMs)} and was killed with its whole process group (a hanging test, an open handle or a server left listening).`;
  }
  if (result.spawnError !== null) return `The test command ${command} could not start: ${result.spawnError}.`;
  if (result.aborted) return `The test command ${command} was cancelled.`;
  if (result.exitCode !== null && NOT_RUN_CODES.has(result.exitCode)) {
    return `The test command ${command} could not run (exit ${result.exitCode}: command not found or not executable).`;
  }
  if (result.signal) return `The test command ${command} was killed by ${result.signal}.`;
  if (status === 'passed') return `The test command ${command} exited 0.`;
  return `The test command ${command} failed (exit ${result.exitCode}).`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 6000) / 10} min`;
}
