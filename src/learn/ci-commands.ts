/**
 * Commands the repository's CI runs: `run:` steps of GitHub workflows and `script:` lines of
 * GitLab jobs, in file order, each with its job and line. A step's `working-directory` (or the
 * job's or workflow's `defaults.run.working-directory`) becomes a `cd dir && ` prefix, so the
 * command still works from the repository root. A few well-known actions stand for a command of
 * their own (golangci-lint-action runs `golangci-lint run`).
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { splitScript } from './ci-classify.js';

export interface CiCommand {
  command: string;
  job: string;
  /** 1-based line of the step's `run:` (or `uses:`), or of the script line. */
  line: number | undefined;
}

export type CiParse = { ok: true; commands: CiCommand[] } | { ok: false; error: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Actions whose whole job is one command a developer can run locally; `with` inputs give its arguments. */
const ACTIONS: ReadonlyMap<string, (inputs: { [key: string]: Json }) => string> = new Map([
  ['golangci/golangci-lint-action', (inputs) => `golangci-lint run${typeof inputs['args'] === 'string' && inputs['args'].trim() ? ` ${inputs['args'].trim()}` : ''}`],
  ['pre-commit/action', (inputs) => `pre-commit run ${typeof inputs['extra_args'] === 'string' && inputs['extra_args'].trim() ? inputs['extra_args'].trim() : '--all-files'}`],
]);

/** GitLab's `!reference [job, key]` pulls lines from another job; we keep it opaque rather than read its arguments as commands. */
const GITLAB_REFERENCE = { tag: '!reference', collection: 'seq' as const, resolve: () => ({ reference: true }) };

interface Loaded {
  value: Json;
  /** Line of the node at a path, when it has a position. */
  lineAt: (path: (string | number)[]) => number | undefined;
}

function loadYaml(text: string): { ok: true; loaded: Loaded } | { ok: false; error: string } {
  const lines = new LineCounter();
  // Other unknown tags only warn; a syntax error is reported with its line.
  const doc = parseDocument(text, { logLevel: 'silent', prettyErrors: true, customTags: [GITLAB_REFERENCE], lineCounter: lines });
  const first = doc.errors[0];
  if (first) return { ok: false, error: first.message.split('\n')[0]! };
  return { ok: true, loaded: { value: doc.toJS() as Json, lineAt: (path) => nodeLine(doc, lines, path) } };
}

function nodeLine(doc: Document, lines: LineCounter, path: (string | number)[]): number | undefined {
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? lines.linePos(node.range[0]).line : undefined;
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
  const read = loadYaml(text);
  if (!read.ok) return read;
  const { value: workflow, lineAt } = read.loaded;
  const commands: CiCommand[] = [];
  const jobs = isObject(workflow) ? workflow['jobs'] : undefined;
  if (!isObject(jobs)) return { ok: true, commands };
  const workflowDir = workingDirectory(workflow);
  for (const [job, spec] of Object.entries(jobs)) {
    if (!isObject(spec) || !Array.isArray(spec['steps'])) continue;
    const jobDir = workingDirectory(spec) ?? workflowDir;
    spec['steps'].forEach((step, index) => {
      if (!isObject(step)) return;
      if (typeof step['uses'] === 'string') {
        const action = ACTIONS.get(step['uses'].replace(/@.*$/, ''));
        if (action) commands.push({ command: action(isObject(step['with']) ? step['with'] : {}), job, line: lineAt(['jobs', job, 'steps', index, 'uses']) });
        return;
      }
      if (typeof step['run'] !== 'string') return;
      const stepDir = typeof step['working-directory'] === 'string' ? step['working-directory'] : jobDir;
      const line = lineAt(['jobs', job, 'steps', index, 'run']);
      for (const command of splitScript(step['run'])) commands.push({ command: inDirectory(command, stepDir), job, line });
    });
  }
  return { ok: true, commands };
}

/** Top-level keys of .gitlab-ci.yml that are settings, not jobs. */
const GITLAB_RESERVED = new Set([
  'stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script',
  'after_script', 'types',
]);

/** Script entries with their paths: a string, or a list of strings and nested lists. */
function scriptLines(value: Json | undefined, path: (string | number)[]): { text: string; path: (string | number)[] }[] {
  if (typeof value === 'string') return [{ text: value, path }];
  return Array.isArray(value) ? value.flatMap((item, index) => scriptLines(item, [...path, index])) : [];
}

export function gitlabCiCommands(text: string): CiParse {
  const read = loadYaml(text);
  if (!read.ok) return read;
  const { value: config, lineAt } = read.loaded;
  const commands: CiCommand[] = [];
  if (!isObject(config)) return { ok: true, commands };
  for (const [job, spec] of Object.entries(config)) {
    // Hidden jobs (`.name:`) are templates that never run by themselves.
    if (job.startsWith('.') || GITLAB_RESERVED.has(job) || !isObject(spec)) continue;
    for (const entry of scriptLines(spec['script'], [job, 'script'])) {
      const line = lineAt(entry.path);
      for (const command of splitScript(entry.text)) commands.push({ command, job, line });
    }
  }
  return { ok: true, commands };
}
