/**
 * TOML manifests (pyproject.toml, Cargo.toml, tox.toml, lockfiles) read with smol-toml, a complete
 * TOML 1.0 parser. A file that does not parse is reported with its line and not used: the tools that
 * read it (pip, cargo, tox) would refuse it too.
 */
import { parse, TomlError, type TomlTable, type TomlValue } from 'smol-toml';
import { escapeRegExp } from '../util/escape-regexp.js';
import { lineAt } from './repo-view.js';

export type { TomlTable, TomlValue };

export type TomlRead = { ok: true; doc: TomlTable } | { ok: false; line: number | null; message: string };

export function readToml(text: string): TomlRead {
  try {
    return { ok: true, doc: parse(text) };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // "Invalid TOML document: expected comma or end of structure\n\n2:  b = [1, 2\n…" → its first line, without the preamble
    const message = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    return { ok: false, line: Number.isInteger(error.line) ? error.line : null, message };
  }
}

/** The value at a dotted path (`tool.pytest.ini_options`); each step must be a table. */
export function tomlAt(doc: TomlTable | undefined, path: string): TomlValue | undefined {
  let current: TomlValue | undefined = doc;
  for (const key of path.split('.')) {
    const table = tomlTable(current);
    if (table === undefined) return undefined;
    current = table[key];
  }
  return current;
}

export function tomlString(value: TomlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function tomlStrings(value: TomlValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Tables parse to plain objects; dates (TomlDate, a Date) are objects too and are not tables. */
export function tomlTable(value: TomlValue | undefined): TomlTable | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) ? (value as TomlTable) : undefined;
}

/**
 * 1-based line of a table's header (`[tool.ruff]`, or its first subtable `[tool.ruff.lint]`); undefined for tables
 * written inline or as dotted keys. smol-toml keeps no positions, so this reads the text.
 */
export function tomlHeaderLine(text: string, table: string): number | undefined {
  const match = new RegExp(`^[ \\t]*\\[\\[?[ \\t]*${escapeRegExp(table)}[ \\t]*[\\].]`, 'm').exec(text);
  return match ? lineAt(text, match.index) : undefined;
}
