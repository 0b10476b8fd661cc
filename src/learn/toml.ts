/**
 * A small TOML reader for the manifests `loop learn` looks into (pyproject.toml, Cargo.toml,
 * uv/poetry metadata). It returns every table's key/value pairs; a value it cannot read is skipped
 * (recorded in `errors`) instead of failing the whole file, because a scan must never stop on one
 * odd line of someone's manifest.
 */
export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };

export interface TomlDocument {
  /** Table name ("" for the root, "tool.pytest.ini_options", …) → its keys. Array tables merge. */
  tables: Map<string, Record<string, TomlValue>>;
  errors: { line: number; message: string }[];
}

class TomlSyntaxError extends Error {}

export function parseToml(text: string): TomlDocument {
  const doc: TomlDocument = { tables: new Map([['', {}]]), errors: [] };
  const cursor = new Cursor(text);
  let table = doc.tables.get('')!;
  while (cursor.skipBlank()) {
    const startAt = cursor.at;
    try {
      if (cursor.peek() === '[') {
        const isArray = cursor.text.startsWith('[[', cursor.at);
        cursor.at += isArray ? 2 : 1;
        const end = cursor.text.indexOf(isArray ? ']]' : ']', cursor.at);
        if (end === -1) throw new TomlSyntaxError('unclosed table header');
        const name = splitKey(cursor.text.slice(cursor.at, end)).join('.');
        cursor.at = end + (isArray ? 2 : 1);
        table = doc.tables.get(name) ?? {};
        doc.tables.set(name, table);
      } else {
        const eq = cursor.text.indexOf('=', cursor.at);
        const eol = cursor.endOfLine();
        if (eq === -1 || eq > eol) throw new TomlSyntaxError('expected key = value');
        const key = splitKey(cursor.text.slice(cursor.at, eq)).join('.');
        cursor.at = eq + 1;
        table[key] = cursor.value();
      }
      cursor.expectEndOfLine();
    } catch (error) {
      if (!(error instanceof TomlSyntaxError)) throw error;
      doc.errors.push({ line: lineAt(text, startAt), message: error.message });
      cursor.at = cursor.endOfLine();
    }
  }
  return doc;
}

function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** `a."b.c".d` → ["a", "b.c", "d"]: dots inside quotes are part of the key. */
function splitKey(raw: string): string[] {
  const parts: string[] = [];
  for (const match of raw.matchAll(/\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^.]+?))\s*(?:\.|$)/g)) {
    if (match[0] === '') break;
    parts.push(match[1] ?? match[2] ?? match[3]!.trim());
  }
  return parts;
}

class Cursor {
  at = 0;
  constructor(readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.at];
  }

  endOfLine(): number {
    const eol = this.text.indexOf('\n', this.at);
    return eol === -1 ? this.text.length : eol;
  }

  /** Skips spaces, newlines and comments; false at the end of the text. */
  skipBlank(): boolean {
    for (;;) {
      const c = this.peek();
      if (c === undefined) return false;
      if (c === '#') this.at = this.endOfLine();
      else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.at += 1;
      else return true;
    }
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.at += 1;
  }

  expectEndOfLine(): void {
    this.skipSpaces();
    const c = this.peek();
    if (c === '#') this.at = this.endOfLine();
    else if (c !== undefined && c !== '\n' && c !== '\r') throw new TomlSyntaxError(`unexpected "${c}" after a value`);
  }

  value(): TomlValue {
    this.skipSpaces();
    const rest = this.text.startsWith.bind(this.text);
    if (rest('"""', this.at)) return this.until('"""', 3, true);
    if (rest("'''", this.at)) return this.until("'''", 3, false);
    const c = this.peek();
    if (c === '"') return this.basicString();
    if (c === "'") return this.until("'", 1, false);
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    return this.bare();
  }

  private until(close: string, open: number, escapes: boolean): string {
    const end = this.text.indexOf(close, this.at + open);
    if (end === -1) throw new TomlSyntaxError('unclosed string');
    const raw = this.text.slice(this.at + open, end).replace(/^\r?\n/, '');
    this.at = end + close.length;
    return escapes ? unescape(raw) : raw;
  }

  private basicString(): string {
    let i = this.at + 1;
    while (i < this.text.length && this.text[i] !== '"' && this.text[i] !== '\n') i += this.text[i] === '\\' ? 2 : 1;
    if (this.text[i] !== '"') throw new TomlSyntaxError('unclosed string');
    const raw = this.text.slice(this.at + 1, i);
    this.at = i + 1;
    return unescape(raw);
  }

  private array(): TomlValue[] {
    this.at += 1;
    const items: TomlValue[] = [];
    for (;;) {
      if (!this.skipBlank()) throw new TomlSyntaxError('unclosed array');
      if (this.peek() === ']') break;
      items.push(this.value());
      if (!this.skipBlank()) throw new TomlSyntaxError('unclosed array');
      if (this.peek() === ',') this.at += 1;
      else if (this.peek() !== ']') throw new TomlSyntaxError('expected "," or "]" in an array');
    }
    this.at += 1;
    return items;
  }

  private inlineTable(): Record<string, TomlValue> {
    this.at += 1;
    const table: Record<string, TomlValue> = {};
    for (;;) {
      this.skipSpaces();
      if (this.peek() === '}') break;
      const eq = this.text.indexOf('=', this.at);
      if (eq === -1 || eq > this.endOfLine()) throw new TomlSyntaxError('expected key = value in an inline table');
      const key = splitKey(this.text.slice(this.at, eq)).join('.');
      this.at = eq + 1;
      table[key] = this.value();
      this.skipSpaces();
      if (this.peek() === ',') this.at += 1;
      else if (this.peek() !== '}') throw new TomlSyntaxError('expected "," or "}" in an inline table');
    }
    this.at += 1;
    return table;
  }

  private bare(): TomlValue {
    const match = /^[^\s,\]}#]+/.exec(this.text.slice(this.at, this.endOfLine()));
    if (!match) throw new TomlSyntaxError('expected a value');
    this.at += match[0].length;
    const token = match[0];
    if (token === 'true' || token === 'false') return token === 'true';
    const number = Number(token.replace(/_/g, ''));
    return Number.isNaN(number) ? token : number;
  }
}

function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\r?\n\s*|.)/g, (_, e: string) => {
    if (e.startsWith('u') || e.startsWith('U')) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (e.startsWith('\n') || e.startsWith('\r')) return ''; // line-ending backslash
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\' } as Record<string, string>)[e] ?? e;
  });
}

/** Helpers for reading what a manifest declares. */
export function tomlString(value: TomlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function tomlStrings(value: TomlValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function tomlTable(value: TomlValue | undefined): Record<string, TomlValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
