// The account's view (an API key): balance, quotas, usage charts, history, keys, playground.
import { get, post, del, ApiError } from './api.js';
import { h, clear, fmt, table, stat, meter, section, notice, confirmButton } from './dom.js';
import { barChart, rankChart, lastDays } from './chart.js';
import { playground } from './playground.js';

const HISTORY_PAGE = 10;

async function overview(el, ctx) {
  const [credits, usage] = await Promise.all([get('/v1/credits'), get('/v1/usage')]);
  if (ctx.stale()) return;
  el.append(
    h('div', { class: 'stats', id: 'balance' },
      stat('Balance', fmt.credits(credits.balance), { id: 'stat-balance', value: credits.balance, note: 'credits' }),
      stat('Held', fmt.credits(credits.held), { id: 'stat-held', value: credits.held, note: 'reserved by requests in flight' }),
      stat('Available', fmt.credits(credits.available), { id: 'stat-available', value: credits.available, note: 'balance − held' })),
    quotas(usage),
    alertsSection(usage.alerts));
}

function quotas(u) {
  const reset = 'Resets ' + fmt.date(u.period.end) + ' (UTC)';
  const rows = [
    meter('Messages', u.messages.used, u.messages.limit, fmt.int),
    meter('Tokens', u.tokens.used, u.tokens.limit, fmt.int),
    meter('Images', u.images.used, u.images.limit, fmt.int),
    meter('Spend (credits)', u.spend.used, u.spend.limit, fmt.creditsShort),
  ];
  if (u.key) rows.push(meter('This key\'s spend (credits)', u.key.spend.used, u.key.spend.limit, fmt.creditsShort));
  return section('Plan ' + (u.plan ? '“' + u.plan + '”' : '(none)') + ' · this month',
    h('p', { class: 'muted' }, reset + '. ' + (u.plan ? '' : 'Without a plan there are no monthly quotas; usage is counted only for accounts with a plan or a budget.')),
    h('div', { class: 'meters' }, rows));
}

export function alertsSection(alerts) {
  return section('Alerts this month', table([
    { label: 'When', value: (a) => fmt.time(a.created_at) },
    { label: 'Scope', value: (a) => a.scope + ' ' + a.subject },
    { label: 'Metric', value: (a) => a.metric },
    { label: 'Threshold', value: (a) => a.threshold + ' %', num: true },
    { label: 'Value / limit', value: (a) => fmt.int(a.value) + ' / ' + fmt.int(a.limit), num: true },
  ], alerts, 'No alerts: no budget or quota has crossed a threshold (80, 95, 100 % by default) this month.'));
}

async function usagePage(el, ctx) {
  const days = h('select', { id: 'usage-days', 'aria-label': 'Window' },
    [7, 30, 90].map((d) => h('option', { value: d, selected: d === 30 }, 'Last ' + d + ' days')));
  const body = h('div', {});
  el.append(h('div', { class: 'toolbar' }, h('label', { for: 'usage-days' }, 'Window '), days), body);
  const load = async () => {
    const n = Number(days.value);
    const [daily, byModel, stats] = await Promise.all([
      get('/v1/usage/daily?days=' + n), get('/v1/usage/daily?days=' + n + '&group_by=model'), get('/v1/usage/stats?hours=' + n * 24)]);
    if (ctx.stale()) return;
    clear(body).append(...usageCharts(n, daily.data, byModel.data, stats));
  };
  days.addEventListener('change', () => load().catch((e) => notice(body, e.message, 'error')));
  await load();
}

function usageCharts(n, daily, byModel, stats) {
  const labels = lastDays(n);
  const at = (rows, field) => labels.map((d) => rows.filter((r) => r.date === d).reduce((t, r) => t + r[field], 0));
  const models = [...new Set(byModel.map((r) => r.group))];
  const perModel = (field) => models.map((m) => ({ name: m, values: at(byModel.filter((r) => r.group === m), field) }));
  const summary = h('div', { class: 'stats' },
    stat('Requests', fmt.int(stats.total_requests), { note: fmt.int(stats.failed_requests) + ' failed' }),
    stat('Tokens', fmt.int(stats.total_tokens), { note: fmt.int(stats.total_input_tokens) + ' in · ' + fmt.int(stats.total_output_tokens) + ' out' }),
    stat('Spend', fmt.credits(stats.cost), { note: 'credits' }),
    stat('Cache savings', fmt.credits(stats.cache_savings), { note: 'credits' }));
  if (daily.length === 0) {
    return [summary, h('p', { class: 'empty' }, 'No requests in this window yet. Send one from the Playground, or with curl (see the README).')];
  }
  const costByModel = Object.entries(stats.cost_by_model).map(([name, value]) => ({ name, value }));
  return [summary,
    h('div', { class: 'charts' },
      barChart({ title: 'Spend by day and model (credits)', labels, series: perModel('cost'), format: fmt.creditsShort, legend: true }),
      barChart({ title: 'Requests by day and model', labels, series: perModel('requests'), format: fmt.compact, legend: true, whole: true })),
    costByModel.length ? rankChart('Spend by model (credits)', costByModel, fmt.credits) : null];
}

async function history(el, ctx) {
  const cursors = [null]; // cursors[i] is the 'before' of page i
  let page = 0;
  const body = h('div', {});
  el.append(body);
  const load = async () => {
    const before = cursors[page];
    const res = await get('/v1/credits/history?limit=' + HISTORY_PAGE + (before ? '&before=' + encodeURIComponent(before) : ''));
    if (ctx.stale()) return;
    cursors[page + 1] = res.next;
    const newer = h('button', { type: 'button', id: 'history-newer', disabled: page === 0, on: { click: () => { page--; load(); } } }, '← Newer');
    const older = h('button', { type: 'button', id: 'history-older', disabled: !res.next, on: { click: () => { page++; load(); } } }, 'Older →');
    clear(body).append(
      table([
        { label: 'When', value: (r) => fmt.time(r.created_at) },
        { label: 'Type', value: (r) => r.type },
        { label: 'Amount', value: (r) => h('span', { class: r.amount < 0 ? 'neg' : 'pos' }, (r.amount > 0 ? '+' : '') + fmt.creditsShort(r.amount)), num: true },
        { label: 'Balance after', value: (r) => fmt.credits(r.balance_after), num: true },
        { label: 'Model', value: (r) => r.model || '' },
        { label: 'Request id', value: (r) => h('code', {}, r.request_id || '') },
      ], res.data, 'No transactions yet: grants, charges and refunds appear here, newest first.'),
      h('div', { class: 'pager' }, newer, h('span', { id: 'history-page' }, 'Page ' + (page + 1)), older));
  };
  await load();
}

async function keys(el, ctx) {
  const status = h('div', { id: 'keys-status' });
  const list = h('div', {});
  const secret = h('div', { id: 'new-key' });
  const name = h('input', { id: 'key-name', name: 'name', maxlength: 100, placeholder: 'e.g. ci, laptop' });
  const form = h('form', { class: 'inline-form', id: 'key-create' },
    h('label', { for: 'key-name' }, 'New key name '), name, h('button', { type: 'submit' }, 'Create key'));
  const load = async () => {
    let res;
    try {
      res = await get('/v1/keys');
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        form.hidden = true;
        clear(list).append(h('p', { class: 'empty' }, 'This key may not manage keys. The operator grants that right with '
          + '"can_manage_keys": true (PATCH /admin/keys/{id}); until then keys are made with the admin API or the CLI.'));
        return;
      }
      throw e;
    }
    if (ctx.stale()) return;
    clear(list).append(table([
      { label: 'Name', value: (k) => [k.name || '(unnamed)', k.current ? h('span', { class: 'badge' }, 'this key') : null] },
      { label: 'Key', value: (k) => h('code', {}, k.prefix) },
      { label: 'Created', value: (k) => fmt.time(k.created_at) },
      { label: 'State', value: (k) => (k.revoked_at ? 'revoked ' + fmt.time(k.revoked_at) : 'active') },
      { label: 'Manages keys', value: (k) => (k.can_manage_keys ? 'yes' : 'no') },
      { label: '', value: (k) => (k.revoked_at || k.current ? '' : revokeButton(k, status, load)) },
    ], res.data, 'No keys.'));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const body = name.value.trim() ? { name: name.value.trim() } : {};
      const created = await post('/v1/keys', body);
      name.value = '';
      showSecretOnce(secret, created);
      await load();
    } catch (e) {
      notice(status, e.message, 'error');
    }
  });
  el.append(section('Your keys', h('p', { class: 'muted' }, 'A key is shown once, when it is made; the gateway keeps only its hash.'),
    form, secret, status, list));
  await load();
}

/** The new secret, once: it is never fetched again, and leaves the page when dismissed. */
function showSecretOnce(box, created) {
  const value = h('input', { id: 'new-key-secret', readonly: true, value: created.key, 'aria-label': 'New key', spellcheck: 'false' });
  const copy = h('button', { type: 'button', on: { click: () => { value.select(); navigator.clipboard?.writeText(created.key); } } }, 'Copy');
  const done = h('button', { type: 'button', id: 'new-key-done', on: { click: () => clear(box) } }, 'Done, I stored it');
  clear(box).append(h('div', { class: 'secret', role: 'status' },
    h('p', {}, 'Key ', h('code', {}, created.id), ' created. Copy it now: it will not be shown again.'),
    h('div', { class: 'inline-form' }, value, copy, done)));
  value.focus();
  value.select();
}

function revokeButton(k, status, reload) {
  return confirmButton('Revoke', 'Revoke ' + (k.name || k.id) + '?', 'Yes, revoke', { 'data-key': k.id }, async () => {
    try { await del('/v1/keys/' + encodeURIComponent(k.id)); notice(status, 'Key ' + k.id + ' revoked: it stopped working at once.'); await reload(); }
    catch (e) { notice(status, e.message, 'error'); }
  });
}

export const accountPages = {
  overview: { title: 'Overview', render: overview },
  usage: { title: 'Usage', render: usagePage },
  history: { title: 'History', render: history },
  keys: { title: 'Keys', render: keys },
  playground: { title: 'Playground', render: playground },
};
