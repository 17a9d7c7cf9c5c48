// A few DOM helpers: elements from tagged templates with escaping, and small widgets shared by pages.
const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]);

/** A raw HTML fragment that html`` will not escape. */
export class Raw {
  constructor(s) {
    this.s = s;
  }
  toString() {
    return this.s;
  }
}
export const raw = (s) => new Raw(s);

/** html`<td>${value}</td>`: values escaped, arrays joined, Raw kept. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => {
    const one = (x) => (x instanceof Raw ? x.s : x === undefined || x === null || x === false ? '' : esc(x));
    out += (Array.isArray(v) ? v.map(one).join('') : one(v)) + strings[i + 1];
  });
  return raw(out);
}

/**
 * Puts a fragment into an element. Sizes computed by a page travel as data-width and are set through the
 * CSSOM here: the Content-Security-Policy (style-src 'self') refuses style attributes in markup.
 */
export function render(el, fragment) {
  el.innerHTML = Array.isArray(fragment) ? fragment.map(String).join('') : String(fragment);
  el.querySelectorAll('[data-width]').forEach((e) => {
    e.style.width = e.dataset.width;
  });
}

export const badge = (status, text = status) => html`<span class="badge ${status}">${text}</span>`;
export const estMark = (title = 'part of this figure is estimated') => html`<span class="est" title="${title}">est.</span>`;

/** Options of a select, with the chosen one selected. */
export const options = (items, chosen) =>
  items.map(([value, label]) => html`<option value="${value}" ${value === chosen ? raw('selected') : ''}>${label}</option>`);

/** A segmented control; onPick(value) when one is clicked. */
export function segmented(el, items, chosen, onPick) {
  render(
    el,
    html`<div class="segmented">${items.map(([v, label]) => html`<button type="button" data-v="${v}" class="${v === chosen ? 'on' : ''}">${label}</button>`)}</div>`,
  );
  el.querySelectorAll('button').forEach((b) => b.addEventListener('click', () => onPick(b.dataset.v)));
}

export function errorBox(err) {
  return html`<div class="error" role="alert">${err && err.message ? err.message : String(err)}</div>`;
}
