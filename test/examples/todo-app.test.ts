/**
 * examples/todo-app is a promise in the README: a real app with the team files that build it.
 * These tests hold it to that: its own test suite passes, its configs validate, its plan matches
 * its files and its team, a free rehearsal (dry-run) merges every task of the plan, the same plan
 * run with --execute on sim agents passes loop's gate with the app's real tests, and the UI works
 * in a real browser. Everything runs on a temp copy, so the checkout is never written.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { chromium } from 'playwright-core';
import * as v from 'valibot';
import { parse } from 'yaml';
import { ConfigSchema, PlanSchema, type Plan } from '../../protocol/index.js';
import { matchesGlob } from '../../src/util/glob.js';
import { exec } from '../../src/util/exec.js';
import { packageRoot } from '../../src/util/package-root.js';
import { boardEvents, runLoop } from '../helpers/loop-cli.js';
import { git, tempDir } from '../helpers/temp.js';

const EXAMPLE = join(packageRoot(), 'examples', 'todo-app');
/** State a local run may leave in the example folder; never part of the example. */
const LOCAL_STATE = new Set(['.loop', 'node_modules', 'data']);
// Under `node --test` this is set; a nested `node --test` that inherits it reports to its parent
// instead of printing its own summary, so the app's suite must not see it.
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, NODE_TEST_CONTEXT: undefined, NO_COLOR: '1' };

function copyExample(t: TestContext): string {
  const dir = tempDir(t, 'loop-todo-app-');
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !LOCAL_STATE.has(relative(EXAMPLE, src).split(sep)[0] ?? '') });
  return dir;
}

/** Every file under `dir`, relative, with `/` separators. */
function filesUnder(dir: string, skip: ReadonlySet<string> = LOCAL_STATE): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !skip.has(file.split('/')[0] ?? ''))
    .sort();
}

function fingerprint(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((file) => [file, createHash('sha256').update(readFileSync(join(dir, file))).digest('hex')]));
}

function readPlan(): Plan {
  return v.parse(PlanSchema, parse(readFileSync(join(EXAMPLE, 'plan.yaml'), 'utf8')));
}

test('the todo app is dependency-free ESM with the test and start scripts the brief promises', () => {
  const manifest = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest['type'], 'module');
  assert.deepEqual(manifest['scripts'], { test: 'node --test', start: 'node src/server.js' });
  for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    assert.equal(manifest[key], undefined, `package.json has ${key}`);
  }
  for (const file of filesUnder(EXAMPLE).filter((f) => f.endsWith('.js'))) {
    const imports = [...readFileSync(join(EXAMPLE, file), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]!);
    for (const specifier of imports) {
      assert.ok(specifier.startsWith('node:') || specifier.startsWith('.'), `${file} imports ${specifier}, which is not a node: built-in or a local file`);
    }
  }
});

test("the app's own test suite (node --test) passes in a copy of the folder, every test of it", async (t) => {
  const dir = copyExample(t);
  const declared = filesUnder(join(dir, 'test'))
    .map((file) => (readFileSync(join(dir, 'test', file), 'utf8').match(/^test\(/gm) ?? []).length)
    .reduce((a, b) => a + b, 0);
  assert.ok(declared >= 30, `expected a real suite, found ${declared} tests`);
  const result = await exec(process.execPath, ['--test', '--test-reporter=tap'], { cwd: dir, env: CHILD_ENV, timeoutMs: 180_000 });
  const output = result.stdout + result.stderr;
  assert.equal(result.code, 0, output);
  assert.match(output, /^# fail 0$/m);
  assert.match(output, new RegExp(`^# pass ${declared}$`, 'm'), `every one of the ${declared} declared tests ran and passed\n${output.slice(-2000)}`);
});

test('loop validate accepts loop.config.yaml and loop.sim.yaml with no errors, warning at most that the copy is not a git repository', async (t) => {
  const dir = copyExample(t);
  for (const file of ['loop.config.yaml', 'loop.sim.yaml']) {
    const human = await runLoop(['validate', '-c', join(dir, file)], { cwd: dir, env: { LOOP_HOME: join(dir, '.home') }, t });
    assert.equal(human.code, 0, human.stdout + human.stderr);
    const json = await runLoop(['validate', '-c', join(dir, file), '--json'], { cwd: dir, env: { LOOP_HOME: join(dir, '.home') }, t });
    const report = JSON.parse(json.stdout) as { ok: boolean; errors: unknown[]; warnings: { message: string }[] };
    assert.equal(report.ok, true, json.stdout);
    assert.deepEqual(report.errors, []);
    for (const warning of report.warnings) assert.match(warning.message, /not inside a git repository/, `${file}: unexpected warning: ${warning.message}`);
  }
});

test('the real team puts the critic on a different vendor than both implementers, and the sim team mirrors its roles', () => {
  const real = v.parse(ConfigSchema, parse(readFileSync(join(EXAMPLE, 'loop.config.yaml'), 'utf8')));
  const sim = v.parse(ConfigSchema, parse(readFileSync(join(EXAMPLE, 'loop.sim.yaml'), 'utf8')));
  const vendor = (name: string) => {
    const role = real.roles.find((r) => r.name === name);
    assert.ok(role, `role ${name}`);
    return real.providers[role.provider]?.type;
  };
  assert.equal(real.loop.reviewer, 'qa');
  assert.equal(vendor('backend'), 'codex');
  assert.equal(vendor('frontend'), 'claude');
  assert.equal(vendor('qa'), 'gemini');
  assert.deepEqual(sim.roles.map((r) => [r.name, r.sme]), real.roles.map((r) => [r.name, r.sme]));
  assert.ok(sim.roles.every((r) => sim.providers[r.provider]?.type === 'sim'), 'every sim role is on a sim provider');
  assert.deepEqual(sim.loop, real.loop);
});

test("plan.yaml matches the app: every task's file globs name real files, every source and test file belongs to a task", () => {
  const plan = readPlan();
  const files = filesUnder(EXAMPLE);
  const ids = plan.tasks.map((task) => task.id);
  for (const id of ['store', 'api', 'persistence', 'ui']) assert.ok(ids.includes(id), `the plan has a ${id} task`);
  for (const task of plan.tasks) {
    assert.ok(['backend', 'frontend'].includes(task.role), `${task.id} is for an implementer role`);
    assert.ok(task.acceptance.length >= 2, `${task.id} has acceptance criteria`);
    for (const glob of task.files ?? []) {
      assert.ok(files.some((file) => matchesGlob(file, glob)), `task ${task.id}: ${glob} matches no file of the example`);
    }
  }
  const built = files.filter((file) => /^(src|public|test)\//.test(file));
  for (const file of built) {
    assert.ok(plan.tasks.some((task) => (task.files ?? []).some((glob) => matchesGlob(file, glob))), `${file} is not claimed by any task`);
  }
  // Existing tests are the grader, so each task brings its own test file and no two share one.
  const testOwners = new Map<string, string>();
  for (const task of plan.tasks) {
    for (const glob of (task.files ?? []).filter((g) => g.startsWith('test/'))) {
      assert.equal(testOwners.get(glob), undefined, `${glob} is claimed by ${testOwners.get(glob)} and ${task.id}`);
      testOwners.set(glob, task.id);
    }
  }
  const byId = new Map(plan.tasks.map((task) => [task.id, task]));
  assert.deepEqual(byId.get('api')?.dependsOn, ['store']);
  assert.deepEqual(byId.get('ui')?.dependsOn, ['api']);
});

test('a free rehearsal (dry-run on loop.sim.yaml with --plan plan.yaml) merges every task of the plan, in dependency order, and changes no file', async (t) => {
  const dir = copyExample(t);
  const before = fingerprint(dir);
  const plan = readPlan();
  const result = await runLoop(
    ['run', 'Build the todo app', '--plan', 'plan.yaml', '-c', 'loop.sim.yaml', '--run', 'rehearsal'],
    { cwd: dir, env: { LOOP_HOME: tempDir(t, 'loop-todo-home-') }, t },
  );
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'rehearsal');
  assert.ok(events.length > 0, 'the board was written to .loop/runs/rehearsal/board/events.jsonl');
  const seq = (type: string, taskId: string) => events.find((e) => e.type === type && e['taskId'] === taskId)?.seq;
  assert.deepEqual(events.filter((e) => e.type === 'task.created').map((e) => e['taskId']), plan.tasks.map((task) => task.id));
  for (const task of plan.tasks) {
    const merged = seq('task.merged', task.id);
    assert.ok(merged !== undefined, `${task.id} reached task.merged\n${result.stdout}`);
    for (const dep of task.dependsOn) {
      const dispatched = seq('task.dispatched', task.id);
      const depMerged = seq('task.merged', dep);
      assert.ok(dispatched !== undefined && depMerged !== undefined && dispatched > depMerged, `${task.id} started after ${dep} merged`);
    }
  }
  assert.equal(events.filter((e) => e.type === 'task.merged').length, plan.tasks.length, 'each task merged once');
  assert.match(result.stdout, new RegExp(`${plan.tasks.length}/${plan.tasks.length} merged`));
  assert.deepEqual(fingerprint(dir), before, 'a dry-run changes no file outside .loop/');
});

test('with --execute in a git repository, the sim team takes every task through worktrees, the gate running the app\'s real npm test, the critic and the merge queue, and lands on main', async (t) => {
  const dir = copyExample(t);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'todo app']);
  const plan = readPlan();
  const result = await runLoop(
    ['run', 'Build the todo app', '--plan', 'plan.yaml', '-c', 'loop.sim.yaml', '--run', 'sim-exec', '--execute'],
    { cwd: dir, env: { LOOP_HOME: tempDir(t, 'loop-todo-home-'), NODE_TEST_CONTEXT: undefined }, t },
  );
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'sim-exec');
  for (const task of plan.tasks) {
    // tested in its slot (gate.passed), or only in the merge train that lands it (gate.preMergeTests: auto)
    const captured = events.find((e) => e.type === 'gate.captured' && e['taskId'] === task.id);
    assert.ok(captured, `${task.id} passed the tamper check\n${result.stdout}`);
    const gate = events.find((e) => e.type === 'gate.passed' && e['taskId'] === task.id);
    if (captured['tests'] === 'slot') {
      assert.equal(gate?.['tests'], 'passed');
      assert.match(String(gate?.['summary']), /npm test/);
    } else {
      assert.equal(captured['tests'], 'train');
      const train = events.find((e) => e.type === 'train.finished' && (e['landed'] as string[]).includes(task.id));
      assert.match(String(train?.['tests']), /^`npm test`: tests passed/, `${task.id}'s train ran the tests`);
    }
    assert.ok(events.some((e) => e.type === 'task.merged' && e['taskId'] === task.id), `${task.id} merged`);
  }
  assert.ok(events.some((e) => e.type === 'run.landed'), 'main was fast-forwarded');
  const landed = git(dir, ['log', '--format=%s', 'main']);
  for (const task of plan.tasks) assert.match(landed, new RegExp(`^loop: merge ${task.id} `, 'm'));
  assert.equal(git(dir, ['status', '--porcelain']), '', 'the checkout is clean after landing');
});

/** The few DOM members the in-page callbacks use; this project compiles without the DOM library. */
interface PageElement {
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
}
interface PageGlobals {
  document: { activeElement: PageElement | null; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): { length: number } };
  pwned?: number;
}

/** Debian's chromium (what .ci/run installs), or null when this machine has none. */
function findChromium(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

/** `npm start` of a copy on a free port with todos in memory; resolves to its URL. */
async function startApp(t: TestContext, dir: string): Promise<string> {
  const child = spawn(process.execPath, ['src/server.js'], { cwd: dir, env: { ...CHILD_ENV, PORT: '0', TODOS_FILE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = /http:\/\/[\d.]+:\d+/.exec(out)?.[0];
      if (url) resolve(url);
    });
    child.on('exit', (code) => reject(new Error(`the app exited with ${code} before listening: ${out}`)));
  });
}

test('in a real browser the UI adds, toggles, renames, filters, clears and deletes todos with the keyboard and mouse, keeping focus in place', async (t) => {
  const executablePath = findChromium();
  if (!executablePath) {
    t.skip('no chromium on PATH (.ci/run installs it)');
    return;
  }
  const dir = copyExample(t);
  const base = await startApp(t, dir);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(base);
  const items = page.locator('#todo-list > li');
  const count = page.locator('#count');
  // Callbacks run in the page (through the debugger protocol, so the page's CSP still forbids eval).
  const focusedTodo = () => page.evaluate(() => {
    const active = (globalThis as unknown as PageGlobals).document.activeElement;
    return active?.closest('li')?.querySelector('.title')?.textContent ?? active?.id ?? null;
  });
  const focusedLabel = () => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('aria-label') ?? null);
  const listLength = (n: number) => page.waitForFunction((expected) => (globalThis as unknown as PageGlobals).document.querySelectorAll('#todo-list > li').length === expected, n);
  await page.locator('#empty').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#footer').isVisible(), false, 'no footer without todos');

  // Add with Enter and with the button; focus stays in the field.
  await page.getByLabel('What needs to be done?').fill('Buy milk');
  await page.keyboard.press('Enter');
  await items.first().waitFor();
  await page.getByLabel('What needs to be done?').fill('Write tests');
  await page.getByRole('button', { name: 'Add' }).click();
  await listLength(2);
  assert.equal(await count.textContent(), '2 items left');
  assert.equal(await page.locator('#new-todo').inputValue(), '');

  // A blank title is an announced error, not a request.
  await page.locator('#new-todo').fill('   ');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').waitFor({ state: 'visible' });

  // User text is text, never markup.
  await page.locator('#new-todo').fill('<img src=x onerror="window.pwned=1">');
  await page.keyboard.press('Enter');
  await listLength(3);
  assert.equal(await page.locator('#todo-list img').count(), 0);
  assert.equal(await items.nth(2).locator('.title').textContent(), '<img src=x onerror="window.pwned=1">');
  assert.equal(await page.getByRole('alert').isVisible(), false, 'a success clears the error');

  // Toggle with the keyboard: Space on the checkbox; focus stays on that todo.
  await page.getByRole('checkbox', { name: 'Done: Buy milk' }).focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('#count')?.textContent === '2 items left');
  assert.match(String(await items.first().getAttribute('class')), /completed/);
  assert.equal(await focusedTodo(), 'Buy milk');
  assert.equal(await page.locator('#clear-completed').isVisible(), true);

  // Rename by double-click: Enter saves and focus returns to the todo's Edit button.
  await page.locator('#todo-list .title', { hasText: 'Write tests' }).dblclick();
  const editor = page.getByLabel(/New title for: Write tests/);
  assert.equal(await editor.inputValue(), 'Write tests');
  await editor.fill('Write more tests');
  await page.keyboard.press('Enter');
  await page.locator('#todo-list .title', { hasText: 'Write more tests' }).waitFor();
  assert.equal(await focusedLabel(), 'Edit: Write more tests');
  // Rename from the keyboard via the Edit button; Escape keeps the old title.
  await page.keyboard.press('Enter');
  await page.getByLabel(/New title for: Write more tests/).fill('discarded');
  await page.keyboard.press('Escape');
  await page.locator('#todo-list .title', { hasText: 'Write more tests' }).waitFor();
  const stored = await (await fetch(`${base}/api/todos`)).json() as { todos: { title: string; completed: boolean }[] };
  assert.deepEqual(stored.todos.map((todo) => [todo.title, todo.completed]), [['Buy milk', true], ['Write more tests', false], ['<img src=x onerror="window.pwned=1">', false]]);

  // Filters are links with aria-current.
  await page.getByRole('link', { name: 'Active' }).click();
  await listLength(2);
  assert.equal(await page.getByRole('link', { name: 'Active' }).getAttribute('aria-current'), 'page');
  await page.getByRole('link', { name: 'Completed' }).click();
  await listLength(1);
  assert.equal(await items.first().locator('.title').textContent(), 'Buy milk');
  await page.getByRole('link', { name: 'All' }).click();
  await listLength(3);

  // Clear completed, then delete: focus moves to a neighbour, then to the new-todo field.
  await page.getByRole('button', { name: 'Clear completed' }).click();
  await listLength(2);
  assert.equal(await page.locator('#clear-completed').isVisible(), false);
  await page.getByRole('button', { name: 'Delete: Write more tests' }).click();
  await listLength(1);
  assert.equal(await focusedTodo(), '<img src=x onerror="window.pwned=1">');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focusedLabel(), 'Delete: <img src=x onerror="window.pwned=1">');
  await page.keyboard.press('Enter');
  await page.locator('#empty').waitFor({ state: 'visible' });
  assert.equal(await focusedTodo(), 'new-todo');
  assert.equal(await page.locator('#footer').isVisible(), false);
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).pwned), undefined);
  assert.deepEqual(problems, []);
});
