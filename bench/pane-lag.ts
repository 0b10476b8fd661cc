/**
 * Pane lag (`node dist/bench/pane-lag.js`): how far a viewport pane is behind the transcript it
 * shows. A real pane (a private tmux server running the real viewer, src/tmux/pane-main.ts) follows
 * an attempt's log while this process appends claude stream-json lines to it; a tmux control-mode
 * client receives every byte the viewer writes to its pane (`%output`), so the lag measured is
 * append → decoded, rendered and in the pane's terminal inside tmux. The issue's target: "a
 * fraction of a second"; here ≤ 250 ms at p99.
 *   BENCH_LINES=500 (lines per pattern)  BENCH_INTERVAL_MS=10 (between paced lines)
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, median, percentile, scratch, table, type Figure } from './lib.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 500);
const INTERVAL_MS = Number(process.env['BENCH_INTERVAL_MS'] ?? 10);
const BURST = 50;
const TARGET_P99_MS = 250;
const PANE_MAIN = fileURLToPath(new URL('../src/tmux/pane-main.js', import.meta.url));

const socket = `loop-bench-${process.pid}`;
const tmux = (args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).trim();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A run folder whose board says that t1 (role be) is being worked on, with its log at `log`. */
function fakeRun(dir: string): { log: string } {
  const run = join(dir, '.loop', 'runs', 'lag');
  mkdirSync(join(run, 'board'), { recursive: true });
  mkdirSync(join(run, 'logs'), { recursive: true });
  const log = join(run, 'logs', 't1.1.log');
  const events = [
    { type: 'run.started', runId: 'lag', goal: 'measure pane lag', mode: 'execute', configHash: 'x', configFile: join(dir, 'loop.config.yaml'), pid: process.pid, roles: ['be'], budgetUsd: null, maxParallel: 1 },
    { type: 'task.created', taskId: 't1', title: 'Follow a busy agent', role: 'be', dependsOn: [], acceptance: [] },
    { type: 'task.ready', taskId: 't1' },
    { type: 'task.dispatched', taskId: 't1', role: 'be', attempt: 1 },
    { type: 'attempt.started', taskId: 't1', attempt: 1, role: 'be', provider: 'claude', providerType: 'claude', logFile: log },
  ];
  writeFileSync(join(run, 'board', 'events.jsonl'), events.map((e, i) => JSON.stringify({ v: 1, seq: i + 1, ts: Date.now(), ...e })).join('\n') + '\n');
  writeFileSync(log, '# loop agent transcript\n# argv: claude -p task --output-format stream-json --verbose\n');
  writeFileSync(join(run, 'run.json'), JSON.stringify({ runId: 'lag', goal: 'x', mode: 'execute', configFile: 'x', configHash: 'x', status: 'running', pid: process.pid, startedAt: Date.now() }));
  return { log };
}

const line = (marker: string): string =>
  `${JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: `Working on step ${marker}: reading the module and its tests before changing anything.` }] } })}\n`;

async function main(): Promise<void> {
  const dir = scratch('loop-bench-pane-');
  const { log } = fakeRun(dir);
  tmux(['-f', '/dev/null', 'new-session', '-d', '-s', 'lag', '-x', '200', '-y', '50', 'env', '-u', 'NODE_EXTRA_CA_CERTS', process.execPath, PANE_MAIN, dir, 'lag', 'be']);
  const control = spawn('tmux', ['-L', socket, '-C', 'attach', '-t', '=lag:'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const seen = new Map<string, number>();
  let waiting: { marker: string; resolve: () => void } | null = null;
  let buffer = '';
  control.stdout.setEncoding('utf8');
  control.stdout.on('data', (chunk: string) => {
    const now = performance.now();
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const out of lines) {
      if (!out.startsWith('%output ')) continue;
      for (const match of out.matchAll(/LAG-\d+/g)) if (!seen.has(match[0])) seen.set(match[0], now);
      if (waiting && seen.has(waiting.marker)) {
        const done = waiting.resolve;
        waiting = null;
        done();
      }
    }
  });
  const shown = (marker: string): Promise<void> => new Promise((resolve) => {
    if (seen.has(marker)) return resolve();
    waiting = { marker, resolve };
  });
  try {
    // warm up: the viewer is up and following once the first marker shows
    appendFileSync(log, line('LAG-0'));
    await Promise.race([shown('LAG-0'), sleep(30_000).then(() => { throw new Error('the pane never showed the transcript'); })]);
    const figures: Figure[] = [];
    for (const pattern of ['paced', 'bursts'] as const) {
      const written = new Map<string, number>();
      for (let i = 1; i <= LINES; i++) {
        const marker = `LAG-${pattern === 'paced' ? i : LINES + i}`;
        appendFileSync(log, line(marker));
        written.set(marker, performance.now());
        if (pattern === 'paced') await sleep(INTERVAL_MS);
        else if (i % BURST === 0) await sleep(BURST * INTERVAL_MS);
      }
      await Promise.race([shown([...written.keys()].at(-1)!), sleep(30_000)]);
      const lags = [...written].filter(([marker]) => seen.has(marker)).map(([marker, at]) => seen.get(marker)! - at);
      const missing = written.size - lags.length;
      const label = pattern === 'paced' ? `one line every ${INTERVAL_MS} ms` : `bursts of ${BURST} lines`;
      figures.push(
        emit({ name: `pane lag behind the transcript, p50 (${label})`, value: median(lags), unit: 'ms', samples: lags.length }),
        emit({ name: `pane lag behind the transcript, p99 (${label})`, value: percentile(lags, 99), unit: 'ms', target: TARGET_P99_MS, kind: 'max', samples: lags.length, note: missing > 0 ? `${missing} lines never shown` : `max ${Math.round(Math.max(...lags))} ms` }),
      );
    }
    table('Viewport pane lag (append to the log → bytes in the tmux pane)', figures);
  } finally {
    control.kill();
    try {
      tmux(['kill-server']);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
