/**
 * Benchmark of `loop learn` on a generated 100 000-file repository (mixed languages, lognormal file
 * sizes, some binaries and oversized bundles, plus ignored node_modules/dist files that must not be
 * scanned). Generation is not timed. Each run times learnProject end to end and prints one JSON line;
 * a table with files/s and the median follows.
 *
 *   node dist/bench/learn.js [--files 100000] [--runs 5] [--threads N] [--dir PARENT] [--keep]
 *   node dist/bench/learn.js --repo DIR   (time again a repository kept by an earlier --keep run)
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { learnProject } from '../src/learn/learn.js';
import { defaultThreads } from '../src/learn/scan.js';

interface Args {
  files: number;
  runs: number;
  threads: number;
  parent: string;
  keep: boolean;
  repo: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { files: 100_000, runs: 5, threads: defaultThreads(), parent: tmpdir(), keep: false, repo: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const positive = (text: string) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${text}"`);
      return n;
    };
    if (flag === '--files') args.files = positive(value());
    else if (flag === '--runs') args.runs = positive(value());
    else if (flag === '--threads') args.threads = positive(value());
    else if (flag === '--dir') args.parent = value();
    else if (flag === '--keep') args.keep = true;
    else if (flag === '--repo') args.repo = value();
    else throw new Error(`unknown option ${flag} (options: --files N --runs N --threads N --dir PARENT --keep --repo DIR)`);
  }
  return args;
}

/** mulberry32: a small seeded PRNG so every run of the bench builds the same repository. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Kind {
  ext: string;
  share: number;
  top: string;
  lines: string[];
  test?: (name: string) => string;
}

const KINDS: Kind[] = [
  { ext: 'ts', share: 30, top: 'packages', lines: ['export function f(a: number): number {', '  const total = items.reduce((s, x) => s + x.price, 0);', '  return total;', '}', "import { thing } from './thing.js';", 'interface Props { id: string; name?: string }', ''], test: (n) => `${n}.test.ts` },
  { ext: 'tsx', share: 6, top: 'packages', lines: ['export const Card = ({ title }: Props) => (', '  <div className="card">{title}</div>', ');', ''] },
  { ext: 'js', share: 8, top: 'packages', lines: ['module.exports = function handler(req, res) {', '  res.end(JSON.stringify({ ok: true }));', '};', ''], test: (n) => `${n}.spec.js` },
  { ext: 'py', share: 14, top: 'services', lines: ['def handle(event, context):', '    items = [x for x in event["items"] if x]', '    return {"count": len(items)}', 'class Store:', '    pass', ''], test: (n) => `test_${n}.py` },
  { ext: 'go', share: 10, top: 'services', lines: ['func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {', '\tif err != nil {', '\t\treturn', '\t}', '}', ''], test: (n) => `${n}_test.go` },
  { ext: 'rs', share: 5, top: 'crates', lines: ['pub fn parse(input: &str) -> Result<Ast, Error> {', '    let tokens = lex(input)?;', '    Ok(Ast::new(tokens))', '}', ''] },
  { ext: 'java', share: 5, top: 'libs', lines: ['public final class Orders {', '    private final List<Order> orders = new ArrayList<>();', '    public int size() { return orders.size(); }', '}', ''], test: (n) => `${n[0]!.toUpperCase()}${n.slice(1)}Test.java` },
  { ext: 'c', share: 3, top: 'native', lines: ['static int add(int a, int b) {', '  return a + b;', '}', '#include <stdio.h>', ''] },
  { ext: 'h', share: 2, top: 'native', lines: ['#ifndef X_H', '#define X_H', 'int add(int a, int b);', '#endif', ''] },
  { ext: 'md', share: 6, top: 'docs', lines: ['# Heading', 'Some prose explaining how the module works and why.', '- a bullet point', ''] },
  { ext: 'json', share: 5, top: 'config', lines: ['{', '  "name": "value",', '  "list": [1, 2, 3]', '}'] },
  { ext: 'yaml', share: 2, top: 'config', lines: ['key: value', 'list:', '  - one', '  - two'] },
  { ext: 'css', share: 2, top: 'packages', lines: ['.card { display: flex; gap: 8px; }', '.title { font-weight: 600; }'] },
  { ext: 'png', share: 1, top: 'assets', lines: [] },
  { ext: 'lock', share: 1, top: 'config', lines: ['resolved "https://registry.example/x.tgz"'] },
];

/** Per-kind text to slice file contents from (fast: one big string per language). */
function corpus(kind: Kind, random: () => number): string {
  if (kind.lines.length === 0) return '';
  const lines: string[] = [];
  let size = 0;
  while (size < 512 * 1024) {
    const line = kind.lines[Math.floor(random() * kind.lines.length)]!;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** Lognormal sizes: median ~1.5 KB, a long tail up to 200 KB (as in real repositories). */
function fileSize(random: () => number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(200_000, Math.max(20, Math.round(Math.exp(Math.log(1500) + 1.0 * z))));
}

interface GeneratedFile {
  path: string;
  content: Buffer;
}

function* generate(count: number): Generator<GeneratedFile> {
  const random = prng(42);
  const corpora = new Map(KINDS.map((kind) => [kind.ext, corpus(kind, random)]));
  const totalShare = KINDS.reduce((sum, kind) => sum + kind.share, 0);
  const fixed: GeneratedFile[] = [
    { path: '.gitignore', content: Buffer.from('node_modules/\ndist/\n*.log\n') },
    { path: 'package.json', content: Buffer.from(JSON.stringify({ name: 'bench-monorepo', private: true, scripts: { test: 'vitest run', build: 'tsc -b', lint: 'eslint .' }, devDependencies: { vitest: '^2', typescript: '^5' } }, null, 2)) },
    { path: 'pnpm-lock.yaml', content: Buffer.from("lockfileVersion: '9.0'\n") },
    { path: 'vitest.config.ts', content: Buffer.from('export default {};\n') },
    { path: 'Makefile', content: Buffer.from('test:\n\tpnpm test\nbuild:\n\tpnpm run build\n') },
    { path: '.github/workflows/ci.yml', content: Buffer.from('on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pnpm install --frozen-lockfile\n      - run: pnpm test\n') },
  ];
  yield* fixed;
  const bundles = 20; // generated bundles over the 1 MiB cap
  for (let i = 0; i < bundles; i++) {
    yield { path: `packages/web/public/bundle-${i}.js`, content: Buffer.from('var a=1;'.repeat(200_000)) };
  }
  for (let i = 0; i < count - fixed.length - bundles; i++) {
    let pick = random() * totalShare;
    const kind = KINDS.find((candidate) => (pick -= candidate.share) < 0) ?? KINDS[0]!;
    const group = Math.floor(random() * 40);
    const sub = Math.floor(random() * 50);
    const base = `module${i}`;
    const isTest = kind.test !== undefined && random() < 0.2;
    const name = isTest ? kind.test!(base) : `${base}.${kind.ext}`;
    const folder = isTest && kind.ext === 'py' ? 'tests' : `part${sub}`;
    const path = `${kind.top}/${kind.top.slice(0, 3)}${group}/${folder}/${name}`;
    let content: Buffer;
    if (kind.ext === 'png') {
      content = Buffer.alloc(2_000 + Math.floor(random() * 30_000), 0);
      content.write('\x89PNG\r\n\x1a\n', 'latin1');
    } else {
      const text = corpora.get(kind.ext)!;
      const size = Math.min(fileSize(random), text.length - 1);
      const start = text.indexOf('\n', Math.floor(random() * (text.length - size))) + 1;
      content = Buffer.from(text.slice(start, start + size));
    }
    yield { path, content };
  }
}

/** Writes every file to disk and commits it with `git fast-import` (one pack; no loose objects). */
async function buildRepository(dir: string, count: number): Promise<{ bytes: number }> {
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const importer = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const stdin = importer.stdin!;
  const write = async (chunk: Buffer | string) => {
    if (!stdin.write(chunk)) await once(stdin, 'drain');
  };
  const message = 'generated benchmark repository\n';
  await write(`commit refs/heads/main\ncommitter Bench <bench@example.test> 1700000000 +0000\ndata ${Buffer.byteLength(message)}\n${message}`);
  const made = new Set<string>();
  let bytes = 0;
  for (const file of generate(count)) {
    const full = join(dir, file.path);
    const folder = dirname(full);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(full, file.content);
    bytes += file.content.length;
    await write(`M 100644 inline ${file.path}\ndata ${file.content.length}\n`);
    await write(file.content);
    await write('\n');
  }
  stdin.end();
  const [code] = (await once(importer, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
  execFileSync('git', ['reset', '-q'], { cwd: dir }); // index from HEAD, stat data refreshed
  // Ignored files the scan must skip: a dependency tree and a build output.
  for (let i = 0; i < 5_000; i++) {
    const path = join(dir, 'node_modules', `dep${i % 100}`, `index${i}.js`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'module.exports = 1;\n');
  }
  mkdirSync(join(dir, 'dist'), { recursive: true });
  for (let i = 0; i < 1_000; i++) writeFileSync(join(dir, 'dist', `out${i}.js`), 'x\n');
  return { bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = args.repo ?? mkdtempSync(join(args.parent, 'loop-bench-learn-'));
  const fsType = statfsSync(dir).type === 0x01021994 ? 'tmpfs' : 'disk';
  try {
    if (args.repo === undefined) {
      const generationStarted = performance.now();
      const { bytes } = await buildRepository(dir, args.files);
      process.stderr.write(`generated ${args.files} files (${(bytes / 1024 / 1024).toFixed(0)} MiB) in ${dir} (${fsType}) in ${((performance.now() - generationStarted) / 1000).toFixed(1)} s\n`);
    }
    const rows: { run: number; ms: number; filesPerSec: number; cpuMs: number }[] = [];
    for (let run = 1; run <= args.runs; run++) {
      const marks: Record<string, number> = {};
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const pi = await learnProject(dir, {
        threads: args.threads,
        onProgress: ({ phase }) => {
          marks[phase] ??= performance.now();
        },
      });
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000; // all threads of this process; git's own CPU is not included
      const listMs = (marks['counting lines'] ?? started) - started;
      const countMs = (marks['finishing'] ?? started) - (marks['counting lines'] ?? started);
      const filesPerSec = Math.round(pi.scannedFiles / (ms / 1000));
      if (pi.scannedFiles !== args.files) throw new Error(`scanned ${pi.scannedFiles} files, expected ${args.files}: ignored files leaked in or files were missed`);
      if (pi.commands.test?.command !== 'pnpm test') throw new Error(`unexpected test command ${JSON.stringify(pi.commands.test)}`);
      rows.push({ run, ms, filesPerSec, cpuMs });
      process.stdout.write(`${JSON.stringify({
        bench: 'learn', run, files: pi.scannedFiles, threads: args.threads, fs: fsType,
        ms: Math.round(ms), listMs: Math.round(listMs), countMs: Math.round(countMs),
        restMs: Math.round(ms - listMs - countMs), cpuMs: Math.round(cpuMs), filesPerSec,
        languages: pi.languages.length, load1: Number(loadavg()[0]!.toFixed(2)),
      })}\n`);
    }
    const table = [
      '',
      `loop learn, ${args.files} files, ${args.threads} thread(s), ${fsType}`,
      'run  wall ms  cpu ms   files/s',
      ...rows.map((row) => `${String(row.run).padEnd(5)}${String(Math.round(row.ms)).padEnd(9)}${String(Math.round(row.cpuMs)).padEnd(9)}${row.filesPerSec}`),
      `median ${Math.round(median(rows.map((row) => row.ms)))} ms wall, ${Math.round(median(rows.map((row) => row.cpuMs)))} ms cpu, ${Math.round(median(rows.map((row) => row.filesPerSec)))} files/s (load average ${loadavg().map((n) => n.toFixed(1)).join(' ')})`,
    ];
    process.stdout.write(`${table.join('\n')}\n`);
  } finally {
    if (args.keep) process.stderr.write(`kept ${dir} (time it again with --repo ${dir})\n`);
    else if (args.repo === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/learn: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
