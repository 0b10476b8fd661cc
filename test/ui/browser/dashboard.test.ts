/**
 * The dashboard in a real Chromium, against a real `loop run --execute` in flight (a sandbox repo,
 * one engineer a shell agent that prints its work line by line, one a sim agent that fails, a sim
 * critic). One browser for the file; screenshots of each panel go to the artifacts folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { foldBoard } from '../../../src/board/fold.js';
import { readBoard } from '../../../src/board/store.js';
import { runPaths } from '../../../src/util/paths.js';
import { artifactsDir, launchChromium } from '../../helpers/browser.js';
import { httpRequest } from '../../helpers/dashboard.js';
import { sandboxProject, writePlan } from '../../helpers/execute-harness.js';
import { boardEvents, startLoop, waitFor, type LoopProcess } from '../../helpers/loop-cli.js';

const STEPS = 12;
const AGENT = `for i in $(seq 1 ${STEPS}); do echo "step $i: working on subtract"; sleep 1; done; printf '\\nexport const subtract = (a, b) => a - b;\\n' >> math.js`;

const config = {
  version: 1,
  project: 'sandbox',
  providers: {
    agent: { type: 'command', argv: ['sh', '-c', AGENT] },
    sim: { type: 'sim', sim: { latencyMs: 700, tasks: { t2: 'fail' } } },
    'sim-critic': { type: 'sim', sim: { latencyMs: 300 } },
  },
  roles: [
    { name: 'planner', sme: 'product-manager', provider: 'sim' },
    { name: 'be1', sme: 'backend', provider: 'agent' },
    { name: 'be2', sme: 'backend', provider: 'sim' },
    { name: 'qa', sme: 'qa', provider: 'sim-critic' },
  ],
  loop: { planner: 'planner', reviewer: 'qa', maxParallel: 2, maxRepairs: 1, budgetUsd: 2, taskTimeoutMinutes: 3 },
};

const tasks = [
  { id: 't1', title: 'Add subtract(a,b) to math.js', role: 'be1', dependsOn: [], acceptance: ['subtract(5,3) returns 2'] },
  { id: 't2', title: 'Add multiply(a,b) to math.js', role: 'be2', dependsOn: [], acceptance: ['multiply(2,3) returns 6'] },
  { id: 't3', title: 'Document math.js', role: 'be2', dependsOn: ['t1'], acceptance: ['every export is described'] },
];

// Page-side expressions are strings: the tests compile without the DOM library.
const seqOnPage = (page: Page): Promise<number> => page.evaluate<number>('window.__loop.state?.view.lastSeq ?? -1');
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const text = async (page: Page, selector: string): Promise<string> => (await page.textContent(selector)) ?? '';

test('the dashboard in Chromium follows a run in flight, and every link of it leaves the server alive', async (t) => {
  const project = sandboxProject(t, { config, userEdits: null });
  const plan = writePlan(t, tasks);
  const shots = artifactsDir('dashboard');
  const { page, errors, failed } = await launchChromium(t);
  const shoot = (name: string, selector?: string) => (selector ? page.locator(selector).screenshot({ path: join(shots, `${name}.png`) }) : page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }));

  // An explicit port: the test restarts the server on it (a port the kernel picked for 0 is not re-bindable while old connections linger).
  let server: LoopProcess = startLoop(['dashboard', '--port', String(await freePort())], { cwd: project.dir, env: project.env, t });
  const url = new URL(await waitFor('the dashboard URL', () => /dashboard: (http\S+)/.exec(server.output())?.[1]));
  const alive = async (): Promise<void> => assert.equal((await httpRequest(`${url.origin}/api/health`)).status, 200, 'the server is alive');
  await page.goto(url.href);
  await page.waitForSelector('text=No runs in this folder yet');
  await page.evaluate('window.__sameDocument = true');

  const run = startLoop(['run', 'add subtract and multiply', '--execute', '--plan', plan, '--run', 'b1'], { cwd: project.dir, env: project.env, t });
  const board = () => boardEvents(project.dir, 'b1');

  await t.test('a run that starts is picked up, and the KPI bar, swimlanes and board show it at work', async () => {
    await page.waitForSelector('.lane[data-role="be1"].state-working', { timeout: 90_000 });
    assert.match(page.url(), /#\/run\/b1$/);
    await page.waitForSelector('.column[data-column="agent"] .card[data-task="t1"]');
    assert.match(await text(page, '.kpi[data-kpi="agents-active"] .kpi-value'), /^[12]$/);
    assert.equal(await text(page, '#run-status'), 'running');
    await shoot('kpis', '#kpis');
  });

  await t.test("the transcript peek shows the agent's log lines as it prints them", async () => {
    await page.click('.lane[data-role="be1"] .peek-toggle');
    await page.waitForSelector('.peek[data-role="be1"]:has-text("step 2: working on subtract")', { timeout: 60_000 });
    await page.waitForSelector('.peek[data-role="be1"]:has-text("step 4: working on subtract")', { timeout: 60_000 });
    const shown = (await text(page, '.peek[data-role="be1"]')).split('\n').filter((line) => line.startsWith('step '));
    const logged = readFileSync(join(runPaths(project.dir, 'b1').logs, 't1.1.log'), 'utf8').split('\n').filter((line) => line.startsWith('step '));
    assert.deepEqual(shown, logged.slice(0, shown.length), 'the lines of the log, in order, none twice');
    assert.ok(shown.length >= 4);
    await shoot('lanes', '#lanes-panel');
  });

  await t.test('an escalated task appears in needs-attention with its reason, attempts and evidence', async () => {
    const item = '.attention-item[data-kind="escalated"][data-task="t2"]';
    await page.waitForSelector(item, { timeout: 60_000 });
    const reason = board().find((e) => e.type === 'task.escalated' && e['taskId'] === 't2')!['reason'] as string;
    assert.equal(await text(page, `${item} .att-reason`), reason);
    assert.match(reason, /sim: simulated agent failure/);
    assert.equal(await text(page, `${item} .att-attempts`), 'attempt 2');
    assert.equal(await page.getAttribute(`${item} .att-evidence`, 'href'), '#/run/b1/task/t2');
    assert.equal(await text(page, `${item} .att-evidence`), 'evidence (attempt 2) →');
    await shoot('attention', '#attention-panel');
  });

  await t.test('a reconnect after the server restarted mid-run loses and repeats no event', async () => {
    const before = await seqOnPage(page);
    server.child.kill('SIGTERM');
    await server.done;
    await page.waitForSelector('#conn:has-text("reconnecting")');
    const written = board().length;
    await waitFor('the run to write while the server is down', () => board().length > written, 90_000);
    server = startLoop(['dashboard', '--port', url.port], { cwd: project.dir, env: project.env, t });
    await page.waitForSelector('#conn:has-text("live")', { timeout: 30_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\nthe restarted server said: ${server.output()}`);
    });
    await waitFor('the page to catch up', async () => (await seqOnPage(page)) >= written + 1);
    const applied = await page.evaluate<{ appliedSeqs: Array<number | string>; repeats: number; gaps: unknown[] }>('({ appliedSeqs: window.__loop.appliedSeqs, repeats: window.__loop.repeats, gaps: window.__loop.gaps })');
    const snapshots = applied.appliedSeqs.filter((s) => typeof s === 'string');
    assert.equal(snapshots.length, 1, `one snapshot, then events only: ${JSON.stringify(snapshots)}`);
    const first = Number(String(snapshots[0]).split('@')[1]);
    const seqs = applied.appliedSeqs.filter((s): s is number => typeof s === 'number');
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => first + 1 + i), 'every seq once, in order');
    assert.ok(seqs.includes(before + 1) && seqs.length > 0);
    assert.equal(applied.repeats, 0);
    assert.deepEqual(applied.gaps, []);
  });

  await t.test('when the run ends the page shows its outcome, and it matches the board, all without a reload', async () => {
    const result = await run.done;
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const view = foldBoard(readBoard(runPaths(project.dir, 'b1').events).events);
    await waitFor('the page to hold the whole board', async () => (await seqOnPage(page)) === view.lastSeq);
    await page.waitForSelector('#run-status:has-text("escalated")');
    const merged = view.order.filter((id) => view.tasks[id]!.status === 'merged');
    assert.deepEqual(merged, ['t1', 't3']);
    assert.equal(await text(page, '.kpi[data-kpi="progress"] .kpi-value'), '67%');
    for (const id of merged) await page.waitForSelector(`.column[data-column="merged"] .card[data-task="${id}"]`);
    await page.waitForSelector('.column[data-column="escalated"] .card[data-task="t2"]');
    assert.equal(await page.evaluate('window.__sameDocument'), true, 'never reloaded');
    for (const [name, selector] of [['board', '#board-panel'], ['feed', '#feed-panel'], ['charts', '#charts-panel'], ['kpis-final', '#kpis']] as const) await shoot(name, selector);
    await shoot('page');
  });

  await t.test('a click on every task and every link of the page leaves the server alive', async () => {
    const hrefs = async (scope: string): Promise<string[]> => [...new Set(await page.$$eval(`${scope} a[href]`, (links) => links.map((a) => a.getAttribute('href')!)))];
    const pageLinks = await hrefs('body');
    assert.ok(['t1', 't2', 't3'].every((id) => pageLinks.includes(`#/run/b1/task/${id}`)), pageLinks.join(' '));
    const visited = new Set<string>();
    for (const href of pageLinks) {
      await page.click(`a[href="${href}"] >> nth=0`);
      // The story's log links come once the server has said which logs exist.
      if (href.includes('/task/')) await page.waitForSelector('.drawer[data-logs="listed"]');
      await alive();
      for (const inner of href.includes('/task/') ? await hrefs('.drawer') : []) {
        if (visited.has(inner)) continue;
        visited.add(inner);
        await page.click(`.drawer a[href="${inner}"] >> nth=0`);
        if (inner.includes('/task/')) {
          await page.locator('.drawer-body').filter({ hasNotText: 'loading…' }).waitFor();
        } else {
          await page.waitForSelector('.drawer', { state: 'detached' });
        }
        if (inner.endsWith('/diff/1') && inner.includes('/t1/')) {
          assert.match(await text(page, '.drawer-body pre'), /\+export const subtract = \(a, b\) => a - b;/);
          await shoot('diff', '.drawer');
        }
        if (inner.endsWith('/t2/log/2/agent')) await shoot('log', '.drawer');
        await alive();
        await page.goto(`${url.origin}/${href}`);
        await page.waitForSelector('.drawer[data-logs="listed"]');
      }
      if (href.endsWith('/task/t2')) await shoot('story', '.drawer');
      await page.goto(`${url.origin}/#/run/b1`);
    }
    // t1's tests ran in its slot (the gate's log) or only in its merge train (the merge log): gate.preMergeTests: auto
    assert.ok(visited.has('#/run/b1/task/t1/log/1/gate') || visited.has('#/run/b1/task/t1/log/1/merge'), `a log of t1's tests among the drawer links: ${[...visited].join(' ')}`);
    for (const expected of ['#/run/b1/task/t1/log/1/agent', '#/run/b1/task/t1/log/1/review', '#/run/b1/task/t1/diff/1', '#/run/b1/task/t2/log/2/agent']) {
      assert.ok(visited.has(expected), `${expected} among the drawer links: ${[...visited].join(' ')}`);
    }
    // A deep link survives a reload, and an unknown task says so without breaking the page.
    await page.goto(`${url.origin}/#/run/b1/task/t3`);
    await page.reload();
    await page.waitForSelector('.drawer h2:has-text("t3 · Document math.js")');
    await page.goto(`${url.origin}/#/run/b1/task/nope`);
    await page.waitForSelector('.drawer:has-text("There is no task \\"nope\\"")');
    await alive();
    assert.deepEqual(errors, []);
    assert.deepEqual(failed, []);
  });

  server.child.kill('SIGTERM');
  await server.done;
  t.diagnostic(`screenshots: ${shots}`);
});
