/**
 * Edits YAML text in place, splicing only the lines that change, so every comment, blank line,
 * quote style and key order of the user's file survives (re-serialising a document reflows it).
 * Each edit re-parses the text, so positions are always current.
 */
import { Document, isMap, isScalar, parseDocument, stringify, type Pair, type YAMLMap } from 'yaml';

export type EditValue = string | number | boolean;
export type YamlEdit =
  | { kind: 'set'; path: readonly string[]; value: EditValue }
  | { kind: 'delete'; path: readonly string[] };

export function applyYamlEdits(text: string, edits: readonly YamlEdit[]): string {
  return edits.reduce((current, edit) => applyOne(current, edit), text);
}

function applyOne(text: string, edit: YamlEdit): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`cannot edit YAML with syntax errors: ${doc.errors[0]!.message}`);
  if (!isMap(doc.contents)) throw new Error('the document is not a mapping');
  let map: YAMLMap = doc.contents;
  for (let depth = 0; depth < edit.path.length; depth++) {
    const key = edit.path[depth]!;
    const pair = findPair(map, key);
    const last = depth === edit.path.length - 1;
    if (!pair) {
      if (edit.kind === 'delete') return text;
      return map.flow ? replaceFlowMap(text, map, edit.path.slice(depth), edit.value) : insertIntoBlockMap(text, map, edit.path.slice(depth), edit.value);
    }
    if (last) return edit.kind === 'delete' ? deletePair(text, map, pair) : replaceValue(text, pair, edit.value);
    if (!isMap(pair.value)) {
      if (edit.kind === 'delete') return text;
      if (isScalar(pair.value) && pair.value.value === null && pair.value.range && pair.value.range[0] === pair.value.range[1]) {
        return insertUnderEmptyKey(text, pair, edit.path.slice(depth + 1), edit.value);
      }
      throw new Error(`${edit.path.slice(0, depth + 1).join('.')} is not a mapping`);
    }
    map = pair.value;
  }
  return text;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === key) as Pair | undefined;
}

const render = (value: EditValue): string => stringify(value).trimEnd();

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** Offset just after the line holding the end of `pair`'s value (trailing comment included). */
function endOfPair(text: string, pair: Pair): { text: string; offset: number } {
  const node = (pair.value ?? pair.key) as { range?: [number, number, number] };
  const end = node.range![1];
  if (end > 0 && text[end - 1] === '\n') return { text, offset: end };
  const newline = text.indexOf('\n', end);
  if (newline !== -1) return { text, offset: newline + 1 };
  return { text: `${text}\n`, offset: text.length + 1 };
}

function block(path: readonly string[], value: EditValue, indent: number): string {
  const pad = ' '.repeat(indent);
  const [head, ...rest] = path;
  if (rest.length === 0) return `${pad}${head}: ${render(value)}\n`;
  return `${pad}${head}:\n${block(rest, value, indent + 2)}`;
}

function insertIntoBlockMap(text: string, map: YAMLMap, path: readonly string[], value: EditValue): string {
  const first = map.items[0];
  const last = map.items.at(-1);
  if (!first || !last) throw new Error('cannot insert into an empty mapping');
  const indent = columnOf(text, (first.key as { range: [number, number, number] }).range[0]);
  const { text: base, offset } = endOfPair(text, last as Pair);
  return base.slice(0, offset) + block(path, value, indent) + base.slice(offset);
}

function insertUnderEmptyKey(text: string, pair: Pair, path: readonly string[], value: EditValue): string {
  const keyStart = (pair.key as { range: [number, number, number] }).range[0];
  const at = (pair.value as { range: [number, number, number] }).range[0];
  const nested = block(path, value, columnOf(text, keyStart) + 2);
  return `${text.slice(0, at)}\n${nested.trimEnd()}${text.slice(at)}`;
}

function replaceValue(text: string, pair: Pair, value: EditValue): string {
  const node = pair.value;
  if (!isScalar(node) || !node.range) throw new Error(`${String(pair.key)} is not a plain value`);
  const [start, end] = node.range;
  const rendered = start === end ? ` ${render(value)}` : render(value);
  return text.slice(0, start) + rendered + text.slice(end);
}

function deletePair(text: string, map: YAMLMap, pair: Pair): string {
  if (map.flow || map.items.length < 2 || !isScalar(pair.value)) return text;
  const start = lineStart(text, (pair.key as { range: [number, number, number] }).range[0]);
  const { text: base, offset } = endOfPair(text, pair);
  return base.slice(0, start) + base.slice(offset);
}

/** A flow mapping (`{type: sim}`) is rewritten as a whole, still on one line. */
function replaceFlowMap(text: string, map: YAMLMap, path: readonly string[], value: EditValue): string {
  const range = map.range!;
  const edited = new Document(map.toJSON() as unknown);
  edited.setIn(path, value);
  if (isMap(edited.contents)) edited.contents.flow = true;
  return text.slice(0, range[0]) + edited.toString({ lineWidth: 0 }).trimEnd() + text.slice(range[1]);
}
