/** Maps key paths (`['roles', 2, 'provider']`) to line and column in the parsed YAML source. */
import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export type KeyPath = ReadonlyArray<string | number>;
export interface Position { line: number; column: number }

interface Found { node: unknown; keyNode: unknown; depth: number }

export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Where the value at `path` starts, or the deepest ancestor that exists. */
  value(path: KeyPath): Position | null {
    const found = this.walk(path);
    return this.position(found.node) ?? this.position(found.keyNode);
  }

  /** Where the key of the last segment is written (for unknown and duplicate keys). */
  key(path: KeyPath): Position | null {
    const found = this.walk(path);
    if (found.depth === path.length) return this.position(found.keyNode) ?? this.position(found.node);
    return this.position(found.node);
  }

  /** True when the path exists in the document. */
  has(path: KeyPath): boolean {
    return this.walk(path).depth === path.length;
  }

  private walk(path: KeyPath): Found {
    let node: unknown = this.doc.contents;
    let keyNode: unknown = null;
    let depth = 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(segment));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        keyNode = item;
        node = item;
      } else {
        break;
      }
      depth += 1;
    }
    return { node, keyNode, depth };
  }

  private position(node: unknown): Position | null {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return null;
    const { line, col } = this.lines.linePos(range[0]);
    return { line, column: col };
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** `roles[2].provider`, `providers["my.key"].model`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
