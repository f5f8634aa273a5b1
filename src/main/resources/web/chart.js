// Small SVG charts drawn from data with DOM calls (no library, nothing inline that CSP would block).
import { h, s, fmt } from './dom.js';

const W = 640, H = 220, LEFT = 58, RIGHT = 8, TOP = 10, BOTTOM = 30;
const SERIES_MAX = 6;

/** Rounds a maximum up to 1, 2 or 5 × 10^k so the axis ticks are readable. */
function niceMax(v, whole) {
  if (v <= 0) return whole ? 4 : 1;
  if (whole && v <= 4) return 4;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 4, 5, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * A bar chart, stacked when there are several series.
 * opts: {title, labels: [x labels], series: [{name, values: [numbers]}], format: number => text, whole: counts}
 * Series beyond the sixth are added up into "other".
 */
export function barChart(opts) {
  const series = foldSeries(opts.series);
  const labels = opts.labels;
  const format = opts.format || fmt.compact;
  const totals = labels.map((_, i) => series.reduce((sum, se) => sum + (se.values[i] || 0), 0));
  const max = niceMax(Math.max(0, ...totals), opts.whole);
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const slot = plotW / Math.max(1, labels.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v) => TOP + plotH - (v / max) * plotH;

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
    'aria-label': `${opts.title}: ${labels.length} bars, highest ${format(Math.max(0, ...totals))}` });
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    svg.append(s('line', { class: 'grid', x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v) }),
      s('text', { class: 'axis', x: LEFT - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
  }
  const every = Math.ceil(labels.length / 8);
  labels.forEach((label, i) => {
    const x = LEFT + i * slot + (slot - barW) / 2;
    let base = 0;
    series.forEach((se, k) => {
      const v = se.values[i] || 0;
      if (v <= 0) return;
      svg.append(s('rect', { class: 'bar-rect s' + k, x, y: y(base + v), width: barW, height: Math.max(0.5, y(base) - y(base + v)) },
        s('title', {}, `${label} · ${se.name}: ${format(v)}`)));
      base += v;
    });
    if (i % every === 0) {
      svg.append(s('text', { class: 'axis', x: x + barW / 2, y: H - BOTTOM + 16, 'text-anchor': 'middle' }, shortLabel(label)));
    }
  });
  const figure = h('figure', { class: 'chart-box' }, h('figcaption', {}, opts.title), svg);
  if (series.length > 1 || opts.legend) {
    figure.append(h('ul', { class: 'legend' }, series.map((se, k) => h('li', {},
      h('span', { class: 'swatch s' + k, 'aria-hidden': 'true' }), se.name))));
  }
  return figure;
}

/** Horizontal bars of one value per name (e.g. cost by model), largest first. */
export function rankChart(title, rows, format) {
  const max = niceMax(Math.max(0, ...rows.map((r) => r.value)));
  return h('figure', { class: 'chart-box' }, h('figcaption', {}, title),
    h('div', { class: 'ranks' }, rows.map((r, k) => {
      const bar = h('div', { class: 'rank-bar s' + Math.min(k, SERIES_MAX - 1) });
      bar.style.width = ((r.value / max) * 100).toFixed(1) + '%';
      return h('div', { class: 'rank' }, h('span', { class: 'rank-name' }, r.name),
        h('div', { class: 'rank-track' }, bar), h('span', { class: 'rank-value num' }, format(r.value)));
    })));
}

function foldSeries(series) {
  if (series.length <= SERIES_MAX) return series;
  const sorted = [...series].sort((a, b) => sum(b.values) - sum(a.values));
  const kept = sorted.slice(0, SERIES_MAX - 1);
  const rest = sorted.slice(SERIES_MAX - 1);
  const other = rest[0].values.map((_, i) => rest.reduce((t, se) => t + (se.values[i] || 0), 0));
  return [...kept, { name: 'other', values: other }];
}

const sum = (xs) => xs.reduce((a, b) => a + (b || 0), 0);

/** 2026-11-29 → 29 Nov; an hour label keeps its time. */
function shortLabel(label) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label);
  if (!m) return label.length > 10 ? label.slice(5, 16).replace('T', ' ') : label;
  return Number(m[3]) + ' ' + ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m[2]) - 1];
}

/** The last n UTC dates, oldest first, as the usage API labels days. */
export function lastDays(n, now = new Date()) {
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - i));
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}
