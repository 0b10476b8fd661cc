// Tiny DOM builders: text always goes in as text nodes, never as HTML.
const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    // Through the CSSOM: the page's CSP refuses style attributes.
    else if (key === 'style') el.style.cssText = value;
    else if (key === 'class' && Array.isArray(value)) el.setAttribute('class', value.filter(Boolean).join(' '));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const h = (tag, attrs, ...children) => fill(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => fill(document.createElementNS(SVG_NS, tag), attrs, children);

/**
 * Makes the element with the given id hold `children`, patching what is there in place rather than
 * replacing it: a re-render every second then keeps hover, text selection, scroll positions and
 * open <details>. Handlers are not carried over, so the page uses delegated `data-action` clicks.
 */
export function mount(id, ...children) {
  const el = document.getElementById(id);
  if (el) patchChildren(el, children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return el;
}

function patchChildren(parent, wanted) {
  const have = [...parent.childNodes];
  const keyed = wanted.length > 0 && wanted.every((node) => node.dataset?.key !== undefined);
  if (keyed) return patchKeyed(parent, have, wanted);
  wanted.forEach((node, i) => {
    if (i < have.length) patch(have[i], node);
    else parent.append(node);
  });
  for (let i = wanted.length; i < have.length; i++) have[i].remove();
}

/** Children with `data-key` (feed rows, cards, lanes) are matched by key, so a new row on top patches one row, not all. */
function patchKeyed(parent, have, wanted) {
  const byKey = new Map(have.filter((node) => node.dataset?.key !== undefined).map((node) => [node.dataset.key, node]));
  const kept = new Set();
  wanted.forEach((node, i) => {
    const old = byKey.get(node.dataset.key);
    let placed = node;
    if (old && old.nodeName === node.nodeName) {
      patch(old, node);
      placed = old;
      kept.add(old);
    }
    if (parent.childNodes[i] !== placed) parent.insertBefore(placed, parent.childNodes[i] ?? null);
  });
  for (const node of have) if (!kept.has(node)) node.remove();
}

function patch(from, to) {
  if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName) {
    from.replaceWith(to);
    return;
  }
  if (from.nodeType !== Node.ELEMENT_NODE) {
    if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
    return;
  }
  for (const { name } of [...from.attributes]) if (!to.hasAttribute(name) && !keep(from, name)) from.removeAttribute(name);
  for (const { name, value } of [...to.attributes]) {
    if (name === 'style') { if (from.style.cssText !== to.style.cssText) from.style.cssText = to.style.cssText; }
    else if (from.getAttribute(name) !== value && !keep(from, name)) from.setAttribute(name, value);
  }
  patchChildren(from, [...to.childNodes]);
}

/** What the user changed and a re-render must not undo. */
const keep = (el, name) => name === 'open' && el.nodeName === 'DETAILS';
