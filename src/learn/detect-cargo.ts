/**
 * Rust (Cargo.toml). `cargo test` and `cargo build` are the toolchain's own commands and count only
 * when nothing the project defines names another. Clippy and rustfmt are reported only when the
 * project configures them (clippy.toml or `[lints.clippy]`, rustfmt.toml): a crate that checks
 * neither is not told to.
 */
import { emptyDetection, sourceAt, type Detection, type RepoView } from './repo-view.js';
import { readToml, tomlAt, tomlHeaderLine, tomlString, tomlTable, type TomlTable } from './toml.js';
import { RUST_FRAMEWORKS, lookupFrameworks } from './frameworks.js';

const CLIPPY_CONFIGS = ['clippy.toml', '.clippy.toml'];
const RUSTFMT_CONFIGS = ['rustfmt.toml', '.rustfmt.toml'];

export function detectCargo(repo: RepoView): Detection | null {
  const text = repo.read('Cargo.toml');
  if (text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'cargo';
  const read = readToml(text);
  if (!read.ok) detection.notes.push(`Cargo.toml${read.line === null ? '' : ` line ${read.line}`} is not valid TOML (${read.message}); its settings were not used.`);
  const doc = read.ok ? read.doc : {};
  const name = tomlString(tomlAt(doc, 'package.name'));
  if (name) detection.name = name;
  detection.candidates.push(
    { kind: 'install', origin: 'config', command: 'cargo fetch', source: repo.has('Cargo.lock') ? 'Cargo.lock' : 'Cargo.toml' },
    { kind: 'test', origin: 'toolchain', command: 'cargo test', source: sourceAt('Cargo.toml', undefined, "cargo's own test command") },
    { kind: 'build', origin: 'toolchain', command: 'cargo build', source: sourceAt('Cargo.toml', undefined, "cargo's own build command") },
  );
  const clippy = CLIPPY_CONFIGS.find((file) => repo.has(file)) ?? lintsTable(doc, text);
  if (clippy) detection.candidates.push({ kind: 'lint', origin: 'config', command: 'cargo clippy', source: clippy });
  const rustfmt = RUSTFMT_CONFIGS.find((file) => repo.has(file));
  if (rustfmt) detection.candidates.push({ kind: 'format', origin: 'config', command: 'cargo fmt --check', source: rustfmt });
  detection.frameworks = lookupFrameworks(crateNames(doc), RUST_FRAMEWORKS);
  if (tomlAt(doc, 'workspace') !== undefined) detection.notes.push('Cargo workspace: cargo commands run for every member from the root.');
  return detection;
}

/** `[lints.clippy]` or `[workspace.lints.clippy]` in Cargo.toml. */
function lintsTable(doc: TomlTable, text: string): string | undefined {
  const table = ['lints.clippy', 'workspace.lints.clippy'].find((path) => tomlAt(doc, path) !== undefined);
  return table ? sourceAt('Cargo.toml', tomlHeaderLine(text, table), `[${table}]`) : undefined;
}

/** Dependencies of every kind: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, per target and in a workspace. */
function crateNames(doc: TomlTable): string[] {
  const sections = ['dependencies', 'dev-dependencies', 'build-dependencies'];
  const tables: TomlTable[] = [doc, tomlTable(doc['workspace']) ?? {}, ...Object.values(tomlTable(doc['target']) ?? {}).map((t) => tomlTable(t) ?? {})];
  return tables.flatMap((table) => sections.flatMap((section) => Object.keys(tomlTable(table[section]) ?? {})));
}
