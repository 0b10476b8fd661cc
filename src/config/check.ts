/**
 * Checks a config text completely and reports every problem at once, each with line and column:
 * YAML syntax, the schema (unknown keys, types, ranges), cross references, repositories on disk,
 * and warnings about the team. The file system is read (repository paths, brief) but not written.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { ConfigSchema, type LoopConfig } from '../../protocol/config.js';
import type { ConfigProblem } from './problems.js';
import { sortProblems } from './problems.js';
import { asArray, asRecord, checkReferences } from './references.js';
import { resolveRepositories } from './repositories.js';
import { describeIssue, unknownKeyFinding, type Finding } from './schema-issues.js';
import { findUnknownKeys } from './schema-walk.js';
import { formatPath, SourceMap } from './source-map.js';
import { checkTeam } from './team-checks.js';
import { checkEngine } from './engine-checks.js';
import type { ResolvedRepository } from './load.js';

export interface CheckOptions {
  /** Home folder for `~/` in repository paths; defaults to the user's. */
  home?: string;
}

export interface ConfigSummary {
  roles: number;
  /** Enabled providers. */
  providers: number;
  disabledProviders: number;
  repositories: number;
}

export interface ConfigAnalysis {
  config: LoopConfig | null;
  problems: ConfigProblem[];
  repositories: ResolvedRepository[];
  /** Counted from what parsed, so it is there even when the config has errors. */
  summary: ConfigSummary;
}

const EMPTY_SUMMARY: ConfigSummary = { roles: 0, providers: 0, disabledProviders: 0, repositories: 0 };

function summarize(raw: Record<string, unknown>, repositories: number): ConfigSummary {
  const providers = Object.values(asRecord(raw['providers']) ?? {});
  const disabled = providers.filter((p) => asRecord(p)?.['enabled'] === false).length;
  return { roles: asArray(raw['roles']).length, providers: providers.length - disabled, disabledProviders: disabled, repositories };
}

export function analyzeConfigText(text: string, file: string, dir: string, options: CheckOptions = {}): ConfigAnalysis {
  const at = (severity: ConfigProblem['severity'], line: number | null, column: number | null, message: string, path = ''): ConfigProblem =>
    ({ severity, file, line, column, path, message });
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return { config: null, repositories: [], summary: EMPTY_SUMMARY, problems: sortProblems(doc.errors.map((e) => yamlProblem(e, text, lines, file))) };
  }
  if (doc.contents === null) {
    const empty = text.trim() === '' ? 'the file is empty' : 'the file has no settings, only comments';
    return { config: null, repositories: [], summary: EMPTY_SUMMARY, problems: [at('error', 1, 1, `${empty}; run \`loop init --force\` to write a starter config`)] };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    return { config: null, repositories: [], summary: EMPTY_SUMMARY, problems: [at('error', 1, 1, `YAML error: ${(error as Error).message}`)] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const got = Array.isArray(raw) ? 'a list' : `${JSON.stringify(raw)}`;
    const position = new SourceMap(doc, lines).value([]);
    return { config: null, repositories: [], summary: EMPTY_SUMMARY, problems: [at('error', position?.line ?? 1, position?.column ?? 1, `expected a mapping of keys (version, providers, roles, …) at the top level, got ${got}`)] };
  }
  // Top-level `x-…` keys are free-form (a place for YAML anchors, as in docker compose).
  const record = Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('x-')));
  const findings: Finding[] = [];
  const parsed = v.safeParse(ConfigSchema, record);
  if (!parsed.success) findings.push(...findUnknownKeys(record).map(unknownKeyFinding), ...parsed.issues.map((issue) => describeIssue(issue)));
  findings.push(...checkReferences(record));
  const resolved = resolveRepositories(record, { dir, ...(options.home === undefined ? {} : { home: options.home }) });
  findings.push(...resolved.findings);
  const config = parsed.success ? parsed.output : null;
  if (config && !findings.some((f) => f.severity === 'error')) {
    findings.push(...checkTeam(config));
    findings.push(...checkBrief(config, dir));
    findings.push(...checkEngine(config, dir, resolved.repositories));
  }
  const map = new SourceMap(doc, lines);
  const problems = dedupe(findings).map((finding) => {
    // A warning about a key the file does not write (a default) is about the file as a whole.
    const located = finding.path.length > 0 && (finding.severity === 'error' || map.has(finding.path));
    const position = !located ? null : finding.at === 'key' ? map.key(finding.path) : map.value(finding.path);
    return at(finding.severity, position?.line ?? null, position?.column ?? null, finding.message, formatPath(finding.path));
  });
  const hasErrors = problems.some((p) => p.severity === 'error');
  const repositoryCount = record['repositories'] === undefined ? resolved.repositories.length : asArray(record['repositories']).length;
  return {
    config: hasErrors ? null : config,
    problems: sortProblems(problems),
    repositories: hasErrors ? [] : resolved.repositories,
    summary: summarize(record, repositoryCount),
  };
}

function checkBrief(config: LoopConfig, dir: string): Finding[] {
  if (existsSync(resolve(dir, config.brief))) return [];
  return [{
    severity: 'warning',
    path: ['brief'],
    at: 'value',
    message: `${config.brief} does not exist; every role receives the brief, so write one (\`loop init\` creates a starter)`,
  }];
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${formatPath(f.path)}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function yamlProblem(error: YAMLError, text: string, lines: LineCounter, file: string): ConfigProblem {
  const { line, col } = lines.linePos(error.pos[0]);
  let message: string;
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = /^["']?([^:"'\n]*)/.exec(text.slice(error.pos[0]))?.[1]?.trim() ?? '';
      message = `duplicate key "${key}"; a key may appear only once in a mapping`;
      break;
    }
    case 'MISSING_CHAR':
      if (/quote/.test(error.message)) return quoteProblem(error, text, lines, file);
      message = `YAML syntax error: ${error.message.split('\n')[0]!.replace(/\.$/, '')}`;
      break;
    case 'TAB_AS_INDENT':
      message = 'YAML does not allow tabs for indentation; use spaces';
      break;
    default:
      message = `YAML syntax error: ${error.message.split('\n')[0]!.replace(/\.$/, '')}`;
  }
  return { severity: 'error', file, line, column: col, path: '', message };
}

/** The parser reports an unclosed quote at the end of the file; point at the quote that opened it. */
function quoteProblem(error: YAMLError, text: string, lines: LineCounter, file: string): ConfigProblem {
  const quote = error.message.includes('"') ? '"' : "'";
  let open = text.lastIndexOf(quote, error.pos[0]);
  while (open > 0 && quote === '"' && text[open - 1] === '\\') open = text.lastIndexOf(quote, open - 2);
  const { line, col } = lines.linePos(Math.max(0, open));
  return { severity: 'error', file, line, column: col, path: '', message: `YAML syntax error: this quoted value is never closed; add the closing ${quote}` };
}
