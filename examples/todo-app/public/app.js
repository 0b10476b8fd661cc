/**
 * The todo UI: plain DOM, no framework, no build step. State lives on the server; after every
 * change the list is fetched again and re-rendered, then focus is put back where the user's
 * keyboard expects it (the same todo, its neighbour, or the new-todo field).
 *
 * The pure helpers are exported so node:test can check them; the DOM part only starts in a browser.
 */
export const FILTERS = ['all', 'active', 'completed'];

const EMPTY_TEXT = {
  all: 'Nothing here yet. Add your first todo above.',
  active: 'No active todos.',
  completed: 'No completed todos.',
};

/** `#/active` → `active`; anything unknown shows everything. */
export function filterFromHash(hash) {
  const name = String(hash ?? '').replace(/^#\/?/, '');
  return FILTERS.includes(name) ? name : 'all';
}

export function itemsLeftText(active) {
  return `${active} ${active === 1 ? 'item' : 'items'} left`;
}

export function listPath(filter) {
  return filter === 'all' ? '/api/todos' : `/api/todos?filter=${encodeURIComponent(filter)}`;
}

/** After `removedId` leaves the list, focus goes to the next todo, else the previous one, else null. */
export function neighbourAfterRemoval(ids, removedId) {
  const index = ids.indexOf(removedId);
  if (index === -1) return null;
  return ids[index + 1] ?? ids[index - 1] ?? null;
}

/** Calls the API; resolves to the parsed body (null for 204) or throws with the server's message. */
export async function callApi(fetchImpl, method, path, body) {
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetchImpl(path, init);
  } catch {
    throw new Error('Cannot reach the server. Check that it is running, then try again.');
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error ?? `The server answered ${response.status}.`);
  return data;
}

function startApp(doc, win) {
  const $ = (id) => doc.getElementById(id);
  const els = {
    form: $('new-todo-form'), input: $('new-todo'), error: $('error'), list: $('todo-list'),
    empty: $('empty'), footer: $('footer'), count: $('count'), clear: $('clear-completed'),
  };
  const state = { todos: [], counts: { total: 0, active: 0, completed: 0 }, filter: filterFromHash(win.location.hash), editing: null };
  let focusNext = null;
  // Set while the list is replaced: some browsers fire blur on a removed field, which is not the user leaving it.
  let rendering = false;
  const api = (method, path, body) => callApi(win.fetch.bind(win), method, path, body);

  function showError(message) {
    els.error.textContent = message;
    els.error.hidden = false;
  }

  function clearError() {
    els.error.hidden = true;
    els.error.textContent = '';
  }

  async function refresh() {
    const data = await api('GET', listPath(state.filter));
    state.todos = data.todos;
    state.counts = data.counts;
    render();
  }

  /** Runs a change, then reloads the list; a failure is shown and the list reloaded anyway. */
  async function change(work) {
    try {
      await work();
      clearError();
    } catch (error) {
      showError(error.message);
    }
    try {
      await refresh();
    } catch (error) {
      showError(error.message);
    }
  }

  function render() {
    // A re-render replaces the focused element; keep the user's place unless an action chose one.
    const active = doc.activeElement;
    if (!focusNext && active && els.list.contains(active)) {
      focusNext = { id: active.closest('li')?.dataset.id ?? null, part: `.${active.classList[0]}`, keep: true };
    }
    rendering = true;
    try {
      els.list.replaceChildren(...state.todos.map(renderItem));
    } finally {
      rendering = false;
    }
    els.empty.textContent = EMPTY_TEXT[state.filter];
    els.empty.hidden = state.todos.length > 0;
    els.footer.hidden = state.counts.total === 0;
    els.count.textContent = itemsLeftText(state.counts.active);
    els.clear.hidden = state.counts.completed === 0;
    for (const link of doc.querySelectorAll('[data-filter]')) {
      if (link.dataset.filter === state.filter) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    applyFocus();
  }

  function applyFocus() {
    const target = focusNext;
    focusNext = null;
    if (!target) return;
    const item = target.id ? els.list.querySelector(`[data-id="${CSS.escape(target.id)}"]`) : null;
    const element = item?.querySelector(target.part) ?? els.input;
    element.focus();
    if (target.part === '.edit' && !target.keep) element.select();
  }

  function renderItem(todo) {
    const item = doc.createElement('li');
    item.className = todo.completed ? 'todo completed' : 'todo';
    item.dataset.id = todo.id;
    if (state.editing === todo.id) {
      item.classList.add('editing');
      item.append(renderEditor(todo));
      return item;
    }
    const toggle = doc.createElement('input');
    toggle.type = 'checkbox';
    toggle.className = 'toggle';
    toggle.checked = todo.completed;
    toggle.setAttribute('aria-label', `Done: ${todo.title}`);
    toggle.addEventListener('change', () => {
      const leaves = state.filter !== 'all';
      focusNext = leaves ? { id: neighbourAfterRemoval(ids(), todo.id), part: '.toggle' } : { id: todo.id, part: '.toggle' };
      change(() => api('PATCH', `/api/todos/${encodeURIComponent(todo.id)}`, { completed: toggle.checked }));
    });

    const title = doc.createElement('span');
    title.className = 'title';
    title.textContent = todo.title;
    title.addEventListener('dblclick', () => startEditing(todo.id));

    const edit = button('Edit', `Edit: ${todo.title}`, 'edit-button', () => startEditing(todo.id));
    const remove = button('Delete', `Delete: ${todo.title}`, 'delete-button', () => {
      focusNext = { id: neighbourAfterRemoval(ids(), todo.id), part: '.toggle' };
      change(() => api('DELETE', `/api/todos/${encodeURIComponent(todo.id)}`));
    });
    item.append(toggle, title, edit, remove);
    return item;
  }

  function renderEditor(todo) {
    const form = doc.createElement('form');
    form.className = 'edit-form';
    const label = doc.createElement('label');
    label.className = 'visually-hidden';
    label.htmlFor = `edit-${todo.id}`;
    label.textContent = `New title for: ${todo.title} (Enter saves, Escape cancels)`;
    const input = doc.createElement('input');
    input.id = `edit-${todo.id}`;
    input.className = 'edit';
    input.type = 'text';
    input.maxLength = 200;
    input.value = todo.title;
    let finished = false;
    const finish = (save) => {
      if (finished) return;
      const title = input.value.trim();
      if (save && title.length === 0) {
        showError('A todo needs a title. Type one, or press Escape to keep the old title.');
        return;
      }
      finished = true;
      state.editing = null;
      focusNext = { id: todo.id, part: '.edit-button' };
      if (!save || title === todo.title) {
        render();
        return;
      }
      change(() => api('PATCH', `/api/todos/${encodeURIComponent(todo.id)}`, { title }));
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      finish(true);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        clearError();
        finish(false);
      }
    });
    // Leaving the field saves, except when it was left empty: then the old title stays.
    input.addEventListener('blur', () => {
      if (!rendering) finish(input.value.trim().length > 0);
    });
    form.append(label, input);
    return form;
  }

  function startEditing(id) {
    state.editing = id;
    focusNext = { id, part: '.edit' };
    render();
  }

  function button(text, label, className, onClick) {
    const element = doc.createElement('button');
    element.type = 'button';
    element.className = className;
    element.textContent = text;
    element.setAttribute('aria-label', label);
    element.addEventListener('click', onClick);
    return element;
  }

  const ids = () => state.todos.map((todo) => todo.id);

  els.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const title = els.input.value.trim();
    if (title.length === 0) {
      showError('Type what needs to be done, then press Enter.');
      els.input.focus();
      return;
    }
    focusNext = { id: null };
    change(async () => {
      await api('POST', '/api/todos', { title });
      els.input.value = '';
    });
  });

  els.clear.addEventListener('click', () => {
    focusNext = { id: null };
    change(() => api('DELETE', '/api/todos?completed=true'));
  });

  win.addEventListener('hashchange', () => {
    state.filter = filterFromHash(win.location.hash);
    state.editing = null;
    refresh().catch((error) => showError(error.message));
  });

  refresh().catch((error) => showError(error.message));
}

if (typeof document !== 'undefined' && typeof window !== 'undefined') {
  startApp(document, window);
}
