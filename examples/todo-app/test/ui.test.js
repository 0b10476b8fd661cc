import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { callApi, filterFromHash, itemsLeftText, listPath, neighbourAfterRemoval } from '../public/app.js';

const html = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');

test('the filter comes from the location hash, and anything unknown shows all todos', () => {
  const cases = [['', 'all'], ['#/', 'all'], ['#/active', 'active'], ['#/completed', 'completed'], ['#active', 'active'], ['#/done', 'all'], [undefined, 'all']];
  for (const [hash, filter] of cases) assert.equal(filterFromHash(hash), filter, String(hash));
});

test('the counter says "item" for one and "items" otherwise', () => {
  assert.equal(itemsLeftText(0), '0 items left');
  assert.equal(itemsLeftText(1), '1 item left');
  assert.equal(itemsLeftText(2), '2 items left');
});

test('the list is fetched with the filter as a query, and without one for all', () => {
  assert.equal(listPath('all'), '/api/todos');
  assert.equal(listPath('active'), '/api/todos?filter=active');
  assert.equal(listPath('completed'), '/api/todos?filter=completed');
});

test('after a todo leaves the list, focus goes to the next one, else the previous one, else the new-todo field', () => {
  assert.equal(neighbourAfterRemoval(['a', 'b', 'c'], 'b'), 'c');
  assert.equal(neighbourAfterRemoval(['a', 'b', 'c'], 'c'), 'b');
  assert.equal(neighbourAfterRemoval(['a'], 'a'), null);
  assert.equal(neighbourAfterRemoval(['a'], 'zzz'), null);
});

test('callApi sends JSON and turns an error answer into an Error with the server message', async () => {
  const calls = [];
  const fakeFetch = async (path, init) => {
    calls.push({ path, init });
    if (init.method === 'DELETE') return new Response(null, { status: 204 });
    if (init.method === 'PATCH') return Response.json({ error: 'title must not be empty' }, { status: 400 });
    return Response.json({ id: '1', title: 'x' }, { status: 201 });
  };
  assert.deepEqual(await callApi(fakeFetch, 'POST', '/api/todos', { title: 'x' }), { id: '1', title: 'x' });
  assert.equal(calls[0].init.headers['content-type'], 'application/json');
  assert.equal(calls[0].init.body, '{"title":"x"}');
  assert.equal(await callApi(fakeFetch, 'DELETE', '/api/todos/1'), null);
  assert.equal(calls[1].init.body, undefined);
  await assert.rejects(callApi(fakeFetch, 'PATCH', '/api/todos/1', { title: '' }), /title must not be empty/);
  await assert.rejects(callApi(async () => { throw new TypeError('fetch failed'); }, 'GET', '/api/todos'), /Cannot reach the server/);
});

test('the page declares its language, labels its text field and announces the counter and errors', () => {
  assert.match(html, /<html lang="en">/);
  assert.match(html, /<label for="new-todo">[^<]+<\/label>/);
  assert.match(html, /<input id="new-todo"/);
  assert.match(html, /id="count"[^>]*aria-live="polite"/);
  assert.match(html, /id="error"[^>]*role="alert"/);
  assert.match(html, /<nav aria-label=/);
  assert.match(html, /<script type="module" src="app.js"><\/script>/);
  assert.doesNotMatch(html, /<script>(?!<\/script>)|\son[a-z]+="/, 'no inline script or handlers (the page forbids them)');
});
