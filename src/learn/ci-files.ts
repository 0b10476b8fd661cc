/**
 * Commands the repository's CI runs: `run:` steps of GitHub workflows and `script:` lines of
 * GitLab jobs, in file order, each with the job it came from. A step's `working-directory` (or the
 * job's or workflow's `defaults.run.working-directory`) becomes a `cd dir && ` prefix, so the
 * command still works from the repository root.
 */
import { parseDocument } from 'yaml';
import { CI_GLOBS } from '../gate/grader-files.js';
import { compileGlobs } from './glob-set.js';
import { splitScript } from './ci-classify.js';

export interface CiCommand {
  command: string;
  job: string;
}

export type CiParse = { ok: true; commands: CiCommand[] } | { ok: false; error: string };

/** CI configuration files (the gate's list of grader files); only GitHub and GitLab files are read for commands. */
export const isCiFile: (path: string) => boolean = compileGlobs(CI_GLOBS);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** GitLab's `!reference [job, key]` pulls lines from another job; we keep it opaque rather than read its arguments as commands. */
const GITLAB_REFERENCE = { tag: '!reference', collection: 'seq' as const, resolve: () => ({ reference: true }) };

function loadYaml(text: string): { ok: true; value: Json } | { ok: false; error: string } {
  // Other unknown tags only warn; a syntax error is reported with its line.
  const doc = parseDocument(text, { logLevel: 'silent', prettyErrors: true, customTags: [GITLAB_REFERENCE] });
  const first = doc.errors[0];
  if (first) return { ok: false, error: first.message.split('\n')[0]! };
  return { ok: true, value: doc.toJS() as Json };
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);

function workingDirectory(holder: Json | undefined): string | undefined {
  if (!isObject(holder)) return undefined;
  const run = isObject(holder['defaults']) ? holder['defaults']['run'] : undefined;
  const dir = isObject(run) ? run['working-directory'] : undefined;
  return typeof dir === 'string' ? dir : undefined;
}

function inDirectory(command: string, dir: string | undefined): string {
  return dir && dir !== '.' && dir !== './' && !dir.includes('${{') ? `cd ${dir} && ${command}` : command;
}

export function githubWorkflowCommands(text: string): CiParse {
  const loaded = loadYaml(text);
  if (!loaded.ok) return loaded;
  const workflow = loaded.value;
  const commands: CiCommand[] = [];
  const jobs = isObject(workflow) ? workflow['jobs'] : undefined;
  if (!isObject(jobs)) return { ok: true, commands };
  const workflowDir = workingDirectory(workflow);
  for (const [job, spec] of Object.entries(jobs)) {
    if (!isObject(spec) || !Array.isArray(spec['steps'])) continue;
    const jobDir = workingDirectory(spec) ?? workflowDir;
    for (const step of spec['steps']) {
      if (!isObject(step) || typeof step['run'] !== 'string') continue;
      const stepDir = typeof step['working-directory'] === 'string' ? step['working-directory'] : jobDir;
      for (const command of splitScript(step['run'])) commands.push({ command: inDirectory(command, stepDir), job });
    }
  }
  return { ok: true, commands };
}

/** Top-level keys of .gitlab-ci.yml that are settings, not jobs. */
const GITLAB_RESERVED = new Set([
  'stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script',
  'after_script', 'types',
]);

function scriptLines(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.flatMap((item) => scriptLines(item)) : [];
}

export function gitlabCiCommands(text: string): CiParse {
  const loaded = loadYaml(text);
  if (!loaded.ok) return loaded;
  const commands: CiCommand[] = [];
  if (!isObject(loaded.value)) return { ok: true, commands };
  for (const [job, spec] of Object.entries(loaded.value)) {
    // Hidden jobs (`.name:`) are templates that never run by themselves.
    if (job.startsWith('.') || GITLAB_RESERVED.has(job) || !isObject(spec)) continue;
    for (const line of scriptLines(spec['script'])) {
      for (const command of splitScript(line)) commands.push({ command, job });
    }
  }
  return { ok: true, commands };
}
