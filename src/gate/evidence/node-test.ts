/** node:test output: the TAP reporter (default when stdout is not a TTY on Node 20) and the spec reporter. */
import { cleanMessage, indentOf, type FailedTest } from './types.js';

export function parseNodeTap(output: string): FailedTest[] {
  if (!/^\s*(TAP version|not ok \d+)/m.test(output)) return [];
  const lines = output.split('\n');
  const failures: FailedTest[] = [];
  const path: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const level = Math.floor(subtest[1]!.length / 4);
      path.length = level;
      path[level] = subtest[2]!;
      continue;
    }
    const notOk = /^(\s*)not ok \d+ - (.*?)(?:\s+#\s*(?:TODO|SKIP).*)?$/.exec(line);
    if (!notOk) continue;
    const level = Math.floor(notOk[1]!.length / 4);
    const name = [...path.slice(0, level), notOk[2]!].join(' > ');
    const yaml = readYamlBlock(lines, i + 1, notOk[1]!.length + 2);
    if (yaml.failureType === 'subtestsFailed') continue;
    const message = cleanMessage((yaml.error ?? '').split('\n'));
    failures.push({ name, message: yaml.location ? `${message}\n(${yaml.location})` : message });
  }
  return failures;
}

/** The few fields of a TAP YAML diagnostic block we use. */
function readYamlBlock(lines: string[], start: number, indent: number): { error?: string; location?: string; failureType?: string } {
  const found: { error?: string; location?: string; failureType?: string } = {};
  if (lines[start]?.trim() !== '---') return found;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '...') break;
    if (indentOf(line) !== indent) continue;
    const field = /^\s*(error|location|failureType):\s*(.*)$/.exec(line);
    if (!field) continue;
    const key = field[1] as 'error' | 'location' | 'failureType';
    let value = field[2]!;
    if (value === '|-' || value === '|' || value === '>-') {
      const block: string[] = [];
      for (let j = i + 1; j < lines.length && (indentOf(lines[j]!) > indent || lines[j]!.trim() === ''); j++) block.push(lines[j]!);
      value = block.join('\n');
    } else {
      value = value.replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
    }
    found[key] = key === 'location' ? value.replace(/^.*\//, '') : value;
  }
  return found;
}

/** The spec reporter: the "✖ failing tests:" summary when present, otherwise every ✖ line followed by a message. */
export function parseNodeSpec(output: string): FailedTest[] {
  const lines = output.split('\n');
  const summary = lines.findIndex((line) => /^✖ failing tests:/.test(line.trim()));
  const failures: FailedTest[] = [];
  for (let i = summary === -1 ? 0 : summary + 1; i < lines.length; i++) {
    const match = /^(\s*)✖ (.*?)(?: \([\d.]+m?s\))?$/.exec(lines[i]!);
    if (!match || match[2] === 'failing tests:') continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j]!;
      if (next.trim() !== '' && indentOf(next) <= match[1]!.length) break;
      body.push(next);
    }
    if (body.every((line) => line.trim() === '')) continue; // a suite line: its tests carry the messages
    const location = summary !== -1 ? /^test at (.*)$/.exec(lines[i - 1]?.trim() ?? '')?.[1] : undefined;
    const message = cleanMessage(body.filter((line) => !/^\s*(generatedMessage|code|actual|expected|operator):|^\s*[{}]\s*$/.test(line)));
    failures.push({ name: match[2]!, message: location ? `${message}\n(${location})` : message });
    i = j - 1;
  }
  return failures;
}
