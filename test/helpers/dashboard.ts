/** A folder of runs for dashboard tests, with boards written through the real BoardWriter. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { BoardEventDraft } from '../../protocol/index.js';
import { BoardWriter } from '../../src/board/store.js';
import { runPaths, runsDir } from '../../src/util/paths.js';
import type { DashboardPorts } from '../../ui/server/ports.js';
import { startDashboard, type RunningDashboard } from '../../ui/server/server.js';
import { tempDir } from './temp.js';

export interface RunsFolder {
  dir: string;
  /** A run's board writer (created with its folders on first use). */
  board(runId: string): BoardWriter;
  /** Appends lines to an attempt log. */
  log(runId: string, file: string, ...lines: string[]): void;
}

export function runsFolder(t: TestContext): RunsFolder {
  const dir = tempDir(t, 'loop-dash-');
  const writers = new Map<string, BoardWriter>();
  t.after(() => {
    for (const w of writers.values()) w.close();
  });
  return {
    dir,
    board(runId) {
      let writer = writers.get(runId);
      if (!writer) {
        const paths = runPaths(dir, runId);
        mkdirSync(paths.logs, { recursive: true });
        writer = new BoardWriter({ eventsFile: paths.events, costsFile: paths.costs });
        writers.set(runId, writer);
      }
      return writer;
    },
    log(runId, file, ...lines) {
      const logs = runPaths(dir, runId).logs;
      mkdirSync(logs, { recursive: true });
      appendFileSync(join(logs, file), lines.map((l) => `${l}\n`).join(''));
    },
  };
}

export function appendAll(writer: BoardWriter, drafts: BoardEventDraft[]): void {
  for (const d of drafts) writer.append(d);
}

export function testPorts(dir: string, extra: Partial<DashboardPorts> = {}): DashboardPorts {
  return { runsDir: runsDir(dir), filesOf: (runId) => runPaths(dir, runId), supervisorAlive: () => null, ...extra };
}

/** A dashboard on a free port, closed when the test ends. */
export async function serve(t: TestContext, dir: string, o: { host?: string; env?: NodeJS.ProcessEnv; ports?: Partial<DashboardPorts> } = {}): Promise<RunningDashboard & { base: string }> {
  const dashboard = await startDashboard({ ports: testPorts(dir, o.ports), host: o.host ?? '127.0.0.1', port: 0, env: o.env ?? {} });
  t.after(() => dashboard.close());
  return { ...dashboard, base: `http://127.0.0.1:${dashboard.port}` };
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** An HTTP request with any headers (Host and Origin included, which fetch would not send as given). */
export function httpRequest(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: o.method ?? 'GET', headers: { Host: target.host, ...o.headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
