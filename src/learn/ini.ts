/**
 * INI as Python's configparser reads it (pytest.ini, setup.cfg, tox.ini, .flake8): `[section]`,
 * `key = value` or `key: value`, indented lines continue the previous value, `#`/`;` comments.
 */
export type IniDocument = Map<string, Map<string, string>>;

export function parseIni(text: string): IniDocument {
  const doc: IniDocument = new Map();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      if (trimmed === '') lastKey = undefined;
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      const name = header[1]!.trim();
      section = doc.get(name) ?? new Map();
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
  }
  return doc;
}

/** Whitespace- or newline-separated list value (pytest's `testpaths`, `python_files`). */
export function iniList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/[\s,]+/).filter((item) => item.length > 0);
}
