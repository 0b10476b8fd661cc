/**
 * INI as Python's configparser reads it (pytest.ini, setup.cfg, tox.ini, .flake8): `[section]`,
 * `key = value` or `key: value`, indented lines continue the previous value, `#`/`;` comments.
 * Sections and keys remember their line, so a command read from one can say where it came from.
 */
export class IniSection extends Map<string, string> {
  /** Line of each key (where its value starts). */
  readonly keyLines = new Map<string, number>();
  constructor(readonly line: number) {
    super();
  }
}

export type IniDocument = Map<string, IniSection>;

export function parseIni(text: string): IniDocument {
  const doc: IniDocument = new Map();
  let section: IniSection | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const rawLine = lines[index]!;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      if (trimmed === '') lastKey = undefined;
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      const name = header[1]!.trim();
      section = doc.get(name) ?? new IniSection(index + 1);
      doc.set(name, section);
      lastKey = undefined;
      continue;
    }
    if (!section) continue;
    if (/^\s/.test(rawLine) && lastKey !== undefined) {
      const previous = section.get(lastKey) ?? '';
      section.set(lastKey, previous === '' ? trimmed : `${previous}\n${trimmed}`);
      continue;
    }
    const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    lastKey = (match ? match[1]! : trimmed).trim();
    section.set(lastKey, match ? match[2]!.trim() : '');
    section.keyLines.set(lastKey, index + 1);
  }
  return doc;
}

/** Whitespace- or newline-separated list value (pytest's `testpaths`, `python_files`). */
export function iniList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/[\s,]+/).filter((item) => item.length > 0);
}
