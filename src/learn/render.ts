/**
 * PROJECT-INTELLIGENCE.md: what every agent's prompt includes about the repository. Commands are
 * quoted verbatim with the file they were read from, or "none found"; nothing is guessed.
 */
import { languageKind } from './languages.js';
import { COMMAND_KINDS, type CommandKind, type ProjectIntelligence } from './types.js';

const MAX_TOP_LEVEL = 40;
const MAX_LANGUAGES = 10;
const MAX_DIRS = 30;

const LABELS: Record<CommandKind, string> = {
  install: 'Install',
  test: 'Test',
  build: 'Build',
  lint: 'Lint',
  format: 'Format',
};

export function renderIntelligence(pi: ProjectIntelligence): string {
  const out: string[] = [
    `# Project intelligence: ${pi.name}`,
    '',
    `Written by \`loop learn\` from ${pi.scannedFiles} files (no model involved). Run \`loop learn\` again after changing the build.`,
    '',
    ...stack(pi),
    ...layout(pi),
    '## Commands (read from the repository\'s own files; use these verbatim)',
    '',
    ...COMMAND_KINDS.map((kind) => {
      const found = pi.commands[kind];
      return found ? `- ${LABELS[kind]}: ${code(found.command)} (from ${found.source})` : `- ${LABELS[kind]}: none found`;
    }),
    '',
    '## Test files the gate protects',
    '',
    'Existing files matching these globs may not be modified or deleted; new test files may be added.',
    '',
    pi.testPatterns.map(code).join(', '),
    '',
    '## Test-runner configs',
    '',
    'These, and any new one, may not be added, changed or deleted.',
    '',
    ...list(pi.runnerConfigs.map(code), 'none present', MAX_DIRS),
    '',
    '## Package-manager and build-tool configs',
    '',
    'These change how scripts and tests run; they, and any new one, may not be added, changed or deleted.',
    '',
    ...list(pi.packageManagerConfigs.map(code), 'none present', MAX_DIRS),
    '',
    '## CI files',
    '',
    ...list(pi.ciFiles.map(code), 'none present', MAX_DIRS),
    '',
  ];
  if (pi.notes.length > 0) out.push('## Notes', '', ...pi.notes.map((note) => `- ${note}`), '');
  return out.join('\n');
}

function stack(pi: ProjectIntelligence): string[] {
  const code = pi.languages.filter((language) => languageKind(language.name) !== 'prose' && languageKind(language.name) !== 'data');
  const other = pi.languages.filter((language) => !code.includes(language));
  const describe = (items: typeof pi.languages) =>
    items.slice(0, MAX_LANGUAGES).map((l) => `${l.name} (${l.files} ${l.files === 1 ? 'file' : 'files'}, ${l.lines} lines)`).join(', ');
  return [
    '## Stack',
    '',
    `- Languages: ${code.length > 0 ? describe(code) : 'none recognised'}`,
    ...(other.length > 0 ? [`- Docs and data: ${describe(other)}`] : []),
    `- Frameworks and tools: ${pi.frameworks.length > 0 ? pi.frameworks.join(', ') : 'none recognised'}`,
    `- Package manager: ${pi.packageManager ?? 'none found'}`,
    '',
  ];
}

function layout(pi: ProjectIntelligence): string[] {
  const entries = pi.layout.topLevel.map((entry) =>
    entry.kind === 'dir' ? `${code(`${entry.path}/`)} (${entry.files} ${entry.files === 1 ? 'file' : 'files'})` : code(entry.path),
  );
  return [
    '## Layout',
    '',
    `- Source folders: ${pi.layout.sourceDirs.length > 0 ? limited(pi.layout.sourceDirs.map(code), MAX_DIRS).join(', ') : 'none found'}`,
    `- Test folders: ${pi.layout.testDirs.length > 0 ? limited(pi.layout.testDirs.map(code), MAX_DIRS).join(', ') : 'none (tests, if any, sit beside the code)'}`,
    '- Top level:',
    ...limited(entries, MAX_TOP_LEVEL).map((entry) => `  - ${entry}`),
    '',
  ];
}

function list(items: string[], empty: string, max: number): string[] {
  return items.length === 0 ? [empty] : limited(items, max).map((item) => `- ${item}`);
}

function limited(items: string[], max: number): string[] {
  return items.length <= max ? items : [...items.slice(0, max), `… and ${items.length - max} more`];
}

/** Inline code that survives backticks inside the text. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}
