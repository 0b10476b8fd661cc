/**
 * pre-commit (.pre-commit-config.yaml): the hooks a project runs on every commit are its own lint
 * gate, so `pre-commit run --all-files` is the lint command, and a formatter hook run by itself
 * (`pre-commit run black --all-files`) the format command. Language-neutral: Go, JS and Rust
 * projects use it as much as Python ones.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { emptyDetection, sourceAt, type Detection, type RepoView } from './repo-view.js';

const CONFIG = '.pre-commit-config.yaml';
const MAX_LISTED_HOOKS = 6;

/** Hook ids of formatters, preferred first. */
const FORMATTER_HOOKS = [
  'ruff-format', 'black', 'prettier', 'clang-format', 'gofmt', 'go-fmt', 'gofumpt', 'rustfmt', 'fmt', 'cargo-fmt',
  'autopep8', 'yapf', 'google-java-format', 'pretty-format-java', 'shfmt', 'stylua', 'buf-format', 'terraform_fmt', 'biome-format',
];

interface Hook {
  id: string;
  line: number;
}

/** `run` is the Python package manager's runner (`uv run `) when pre-commit is installed through it. */
export function detectPreCommit(repo: RepoView, run: string): Detection | null {
  const text = repo.read(CONFIG);
  if (text === undefined) return null;
  const detection = emptyDetection();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, logLevel: 'silent' });
  if (doc.errors.length > 0) {
    detection.notes.push(`${CONFIG} could not be read as YAML (${doc.errors[0]!.message.split('\n')[0]}); its hooks were not used.`);
    return detection;
  }
  const hooks = readHooks(doc.contents, (offset) => lines.linePos(offset).line);
  if (hooks.length === 0) return detection;
  const listed = hooks.slice(0, MAX_LISTED_HOOKS).map((hook) => hook.id).join(', ') + (hooks.length > MAX_LISTED_HOOKS ? ', …' : '');
  detection.candidates.push({
    kind: 'lint', origin: 'entry', command: `${run}pre-commit run --all-files`,
    source: sourceAt(CONFIG, hooks[0]!.line, `${hooks.length} ${hooks.length === 1 ? 'hook' : 'hooks'}: ${listed}`),
  });
  const formatter = FORMATTER_HOOKS.map((id) => hooks.find((hook) => hook.id === id)).find((hook) => hook !== undefined);
  if (formatter) {
    detection.candidates.push({
      kind: 'format', origin: 'entry', command: `${run}pre-commit run ${formatter.id} --all-files`,
      source: sourceAt(CONFIG, formatter.line, `hook ${formatter.id}`),
    });
  }
  return detection;
}

/** `repos: [{repo, hooks: [{id}]}]` → the hook ids with their lines, in file order. */
function readHooks(root: Node | null, lineOf: (offset: number) => number): Hook[] {
  const repos = isMap(root) ? root.get('repos', true) : undefined;
  if (!isSeq(repos)) return [];
  const hooks: Hook[] = [];
  for (const repo of repos.items) {
    const list = isMap(repo) ? repo.get('hooks', true) : undefined;
    if (!isSeq(list)) continue;
    for (const hook of list.items) {
      const id = isMap(hook) ? hook.get('id', true) : undefined;
      if (isScalar(id) && typeof id.value === 'string' && id.range) hooks.push({ id: id.value, line: lineOf(id.range[0]) });
    }
  }
  return hooks;
}
