// Building the page from data without ever parsing data as HTML: every text goes through
// text nodes (document.createTextNode), never an HTML parser, so an account name or a model answer
// cannot become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    } else if (k === 'text') {
      el.textContent = String(v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: h('td', {class: 'num'}, 'text', child, ...). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, same shape as h(). */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const creditsFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
const credits2Fmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 });
const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compactFmt = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const pctFmt = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export const fmt = {
  /** Credits as the API gives them (at most 6 decimals), with separators: 1,234.5 */
  credits: (n) => (n === null || n === undefined ? '—' : credits2Fmt.format(n)),
  creditsShort: (n) => (n === null || n === undefined ? '—' : creditsFmt.format(n)),
  int: (n) => (n === null || n === undefined ? '—' : intFmt.format(n)),
  compact: (n) => compactFmt.format(n),
  /** A 0–1 ratio as a percentage. */
  ratio: (x) => (x === null || x === undefined ? '—' : pctFmt.format(x)),
  /** A 0–100 number as a percentage. */
  percent: (x) => (x === null || x === undefined ? '—' : pctFmt.format(x / 100)),
  /** Epoch seconds as local date and time. */
  time: (sec) => (sec ? new Date(sec * 1000).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—'),
  /** An ISO instant as a date. */
  date: (iso) => (iso ? new Date(iso).toLocaleDateString('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }) : '—'),
};

/** A table from rows; columns: [{label, value: row => text|Node, num: bool}]. Empty: the explanation. */
export function table(columns, rows, empty) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.value(r))))))));
}

/** A labelled figure: big number, label, optional note; data-value carries the raw number for scripts. */
export function stat(label, text, opts = {}) {
  return h('div', { class: 'stat', id: opts.id },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value', dataset: opts.value !== undefined ? { value: opts.value } : null }, text),
    opts.note ? h('div', { class: 'stat-note' }, opts.note) : null);
}

/** A progress bar with its numbers written out (the bar alone says nothing to a screen reader). */
export function meter(label, used, limit, format, note) {
  const unlimited = limit === null || limit === undefined;
  const share = unlimited || limit === 0 ? 0 : Math.min(1, used / limit);
  const bar = h('div', { class: 'bar' + (share >= 0.95 ? ' bar-high' : share >= 0.8 ? ' bar-warn' : '') });
  bar.style.width = (share * 100).toFixed(1) + '%';
  return h('div', { class: 'meter' },
    h('div', { class: 'meter-head' }, h('span', {}, label),
      h('span', { class: 'meter-nums' }, unlimited ? format(used) + ' used · no limit'
        : format(used) + ' of ' + format(limit) + ' (' + fmt.ratio(share) + ')')),
    h('div', { class: 'track', role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100,
      'aria-valuenow': Math.round(share * 100) }, bar),
    note ? h('div', { class: 'stat-note' }, note) : null);
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/** A message in the page's status line (errors from the API name what was wrong). */
export function notice(el, text, kind = 'info') {
  clear(el);
  if (text) el.append(h('p', { class: 'notice notice-' + kind, role: kind === 'error' ? 'alert' : 'status' }, text));
}

/** A random idempotency key for a credit grant, so a double click or a retry grants once. */
export function randomKey(prefix) {
  if (crypto.randomUUID) return prefix + crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return prefix + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A dangerous action in two steps: the button asks, "yes" (which takes focus) acts, "cancel" goes back. */
export function confirmButton(label, question, yes, attrs, action) {
  const cell = h('span', {});
  const ask = h('button', { type: 'button', class: 'danger', ...attrs, on: { click: () => {
    const confirm = h('button', { type: 'button', class: 'danger', id: 'confirm-action', on: { click: action } }, yes);
    clear(cell).append(h('span', {}, question + ' '), confirm, ' ',
      h('button', { type: 'button', on: { click: () => clear(cell).append(ask) } }, 'Cancel'));
    confirm.focus();
  } } }, label);
  cell.append(ask);
  return cell;
}
