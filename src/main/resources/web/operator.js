// The operator's view (admin token): system state, trends, providers, alerts, stops, accounts.
import { get, post, patch, del } from './api.js';
import { h, clear, fmt, table, stat, meter, section, notice, randomKey, confirmButton } from './dom.js';
import { barChart, rankChart, lastDays } from './chart.js';

const DAYS = 30;
const PAGE = 20;
let flash = null; // what the last action on an account did, shown after the page reloads its data

const usageColumns = [
  { label: 'Requests', value: (r) => fmt.int(r.requests), num: true },
  { label: 'Errors', value: (r) => fmt.ratio(r.error_rate), num: true },
  { label: 'Tokens in / out', value: (r) => fmt.int(r.input_tokens) + ' / ' + fmt.int(r.output_tokens), num: true },
  { label: 'Cost', value: (r) => fmt.credits(r.cost), num: true },
  { label: 'Avg latency', value: (r) => fmt.int(r.avg_latency_ms) + ' ms', num: true },
];

/** The narrow tables side by side: what ranks them, not every counter. */
const rankColumns = [
  { label: 'Requests', value: (r) => fmt.int(r.requests), num: true },
  { label: 'Errors', value: (r) => fmt.ratio(r.error_rate), num: true },
  { label: 'Cost', value: (r) => fmt.credits(r.cost), num: true },
];

async function overview(el, ctx) {
  const [summary, trends, stops] = await Promise.all([
    get('/admin/analytics/summary?days=' + DAYS), get('/admin/analytics/trends?days=' + DAYS), get('/admin/emergency-stop')]);
  if (ctx.stale()) return;
  if (stops.data.length) el.append(stopBanner(stops.data));
  el.append(h('div', { class: 'stats' },
    stat('Requests (30 days)', fmt.int(summary.requests), { id: 'stat-requests', value: summary.requests,
      note: fmt.int(summary.failed_requests) + ' failed · ' + fmt.ratio(summary.error_rate) + ' errors' }),
    stat('Revenue', fmt.credits(summary.cost), { note: 'credits charged' }),
    stat('Tokens', fmt.compact(summary.total_tokens), { note: fmt.int(summary.input_tokens) + ' in · ' + fmt.int(summary.output_tokens) + ' out' }),
    stat('Accounts', fmt.int(summary.accounts), { note: fmt.int(summary.active_accounts) + ' active' }),
    stat('Cache hits', fmt.int(summary.cache_hits), { note: 'saved ' + fmt.credits(summary.cache_savings) + ' credits' }),
    stat('Avg latency', fmt.int(summary.avg_latency_ms) + ' ms', {})));
  const labels = lastDays(DAYS);
  const pick = (field) => labels.map((d) => (trends.data.find((r) => r.date === d) || {})[field] || 0);
  if (trends.data.length === 0) {
    el.append(h('p', { class: 'empty' }, 'No traffic in the last 30 days: charts appear with the first request.'));
    return;
  }
  el.append(h('div', { class: 'charts', id: 'chart-trend' },
    barChart({ title: 'Requests per day', labels, whole: true, format: fmt.compact, legend: true,
      series: [{ name: 'successful', values: pick('successful_requests') }, { name: 'failed', values: pick('failed_requests') }] }),
    barChart({ title: 'Credits charged per day', labels, format: fmt.creditsShort, series: [{ name: 'cost', values: pick('cost') }] })));
}

function stopBanner(stops) {
  return h('div', { class: 'banner-stop', role: 'alert' }, h('strong', {}, 'Emergency stop active: '),
    stops.map((s) => s.scope + (s.subject ? ' ' + s.subject : '') + ' — ' + s.reason).join('; '), ' ',
    h('a', { href: '#/stops' }, 'Manage stops'));
}

async function usage(el, ctx) {
  const q = '?days=' + DAYS;
  const [accounts, users, models, providers] = await Promise.all([
    get('/admin/analytics/top-accounts' + q + '&limit=10'), get('/admin/analytics/top-users' + q + '&limit=10'),
    get('/admin/analytics/models' + q), get('/admin/analytics/providers' + q)]);
  if (ctx.stale()) return;
  const costRanks = (rows, name) => rows.filter((r) => r.cost > 0).map((r) => ({ name: name(r), value: r.cost }));
  el.append(h('p', { class: 'muted' }, 'Last ' + DAYS + ' days, every account; costs in credits.'),
    h('div', { class: 'grid2' },
      section('Top accounts', table([{ label: 'Account', value: (r) => h('a', { href: '#/accounts?id=' + encodeURIComponent(r.account) }, r.name || r.account) }, ...rankColumns],
        accounts.data, 'No account has made a request in this window.')),
      section('Top end users', table([{ label: 'End user', value: (r) => r.user }, { label: 'Account', value: (r) => h('code', {}, r.account) }, ...rankColumns],
        users.data, 'No end users yet: requests name one with the "user" field or the x-tollgate-user header.'))),
    h('div', { class: 'grid2' },
      costRanks(models.data, (r) => r.model).length ? rankChart('Cost by model', costRanks(models.data, (r) => r.model), fmt.credits) : h('span'),
      costRanks(providers.data, (r) => r.provider).length ? rankChart('Cost by provider', costRanks(providers.data, (r) => r.provider), fmt.credits) : h('span')),
    section('Models', table([{ label: 'Model', value: (r) => r.model }, ...usageColumns], models.data, 'No model has answered in this window.')),
    section('Providers', table([{ label: 'Provider', value: (r) => r.provider }, ...usageColumns], providers.data, 'No provider has answered in this window.')));
}

async function providers(el, ctx) {
  const [state, cache, live] = await Promise.all([get('/admin/providers'), get('/admin/analytics/cache?days=' + DAYS), get('/admin/cache/stats')]);
  if (ctx.stale()) return;
  el.append(h('p', { class: 'muted' }, 'Budgets for ' + state.month + ' (UTC). Breakers and rpm headroom are this replica\'s live view.'));
  if (state.data.length === 0) el.append(h('p', { class: 'empty' }, 'No providers configured.'));
  for (const p of state.data) {
    const budget = p.monthly_usd_budget !== null && p.monthly_usd_budget !== undefined
      ? meter('USD this month', p.usd_used, p.monthly_usd_budget, (v) => '$' + fmt.creditsShort(v))
      : p.monthly_token_budget !== null && p.monthly_token_budget !== undefined
        ? meter('Tokens this month', p.tokens_used, p.monthly_token_budget, fmt.int)
        : h('p', { class: 'muted' }, 'No monthly budget · ' + fmt.int(p.tokens_used) + ' tokens, $' + fmt.creditsShort(p.usd_used) + ' this month');
    const health = p.health || {};
    el.append(section(p.name + ' (' + p.type + ')',
      h('p', {}, 'State: ', h('strong', { class: 'state-' + p.state }, p.state), ' · rpm ',
        health.rpm === null || health.rpm === undefined ? 'unlimited' : fmt.int(health.rpm_headroom) + ' of ' + fmt.int(health.rpm) + ' left this minute'
          + (health.rpm_limiter ? ' (' + health.rpm_limiter + ')' : '')),
      budget,
      table([{ label: 'Deployment', value: (d) => d.model }, { label: 'Breaker', value: (d) => h('span', { class: 'state-' + d.breaker }, d.breaker) },
        { label: 'Consecutive failures', value: (d) => fmt.int(d.consecutive_failures), num: true }],
      health.deployments || [], 'No deployments.')));
  }
  el.append(section('Cache performance',
    h('div', { class: 'stats' },
      stat('Hit rate (30 days)', fmt.ratio(cache.hit_rate), { note: fmt.int(cache.cache_hits) + ' of ' + fmt.int(cache.requests) + ' requests' }),
      stat('Savings', fmt.credits(cache.cache_savings), { note: 'credits, 30 days' }),
      stat('Provider-cached prompt', fmt.ratio(cache.cached_token_share), { note: fmt.int(cache.cached_tokens) + ' tokens' }),
      stat('Since start (this replica)', fmt.int(live.hits) + ' hits', { note: fmt.int(live.misses) + ' misses · store ' + (live.store || '?') })),
    table([{ label: 'Model', value: (r) => r.model }, { label: 'Requests', value: (r) => fmt.int(r.requests), num: true },
      { label: 'Hits', value: (r) => fmt.int(r.cache_hits), num: true }, { label: 'Cached tokens', value: (r) => fmt.int(r.cached_tokens), num: true },
      { label: 'Savings', value: (r) => fmt.credits(r.cache_savings), num: true }], cache.data,
    'No cache activity: requests opt in with "cache": {"ttl": N} or a plan\'s cache_ttl.')));
}

async function alerts(el, ctx) {
  const cursors = [null];
  let page = 0;
  const body = h('div', {});
  el.append(h('p', { class: 'muted' }, 'Threshold alerts of every provider budget, spend budget and plan quota, newest first, with their webhook delivery.'), body);
  const load = async () => {
    const res = await get('/admin/alerts?limit=' + PAGE + (cursors[page] ? '&before=' + encodeURIComponent(cursors[page]) : ''));
    if (ctx.stale()) return;
    cursors[page + 1] = res.next;
    clear(body).append(table([
      { label: 'When', value: (a) => fmt.time(a.created_at) },
      { label: 'Scope', value: (a) => a.scope },
      { label: 'Subject', value: (a) => h('code', {}, a.subject) },
      { label: 'Metric', value: (a) => a.metric },
      { label: 'Threshold', value: (a) => a.threshold + ' %', num: true },
      { label: 'Value / limit', value: (a) => fmt.int(a.value) + ' / ' + fmt.int(a.limit), num: true },
      { label: 'Period', value: (a) => a.period },
      { label: 'Delivery', value: (a) => (a.delivery ? a.delivery.status + ' (' + a.delivery.attempts + ' attempts)' : '—') },
    ], res.data, 'No alerts yet: one is recorded when a budget or quota crosses a threshold (alerts.thresholds, default 80, 95, 100 %).'),
    h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: page === 0, on: { click: () => { page--; load(); } } }, '← Newer'),
      h('span', {}, 'Page ' + (page + 1)),
      h('button', { type: 'button', disabled: !res.next, on: { click: () => { page++; load(); } } }, 'Older →')));
  };
  await load();
}

async function stops(el, ctx) {
  const status = h('div', { id: 'stops-status' });
  const list = h('div', { id: 'stops-list' });
  const scope = h('select', { id: 'stop-scope', name: 'scope' }, ['global', 'provider', 'account', 'key'].map((s) => h('option', { value: s }, s)));
  const subject = h('input', { id: 'stop-id', name: 'id', placeholder: 'provider name, account or key id', disabled: true });
  const reason = h('input', { id: 'stop-reason', name: 'reason', required: true, maxlength: 500, placeholder: 'why (shown to refused callers)' });
  scope.addEventListener('change', () => { subject.disabled = scope.value === 'global'; });
  const form = h('form', { id: 'stop-form', class: 'form-grid' },
    h('label', {}, 'Scope', scope), h('label', {}, 'Id', subject), h('label', {}, 'Reason', reason),
    h('div', {}, h('button', { type: 'submit', class: 'danger' }, 'Start emergency stop')));
  const load = async () => {
    const res = await get('/admin/emergency-stop');
    if (ctx.stale()) return;
    clear(list).append(table([
      { label: 'Since', value: (s) => fmt.time(s.created_at) },
      { label: 'Scope', value: (s) => s.scope + (s.subject ? ' ' + s.subject : '') },
      { label: 'Reason', value: (s) => s.reason },
      { label: 'Origin', value: (s) => s.origin || '' },
      { label: '', value: (s) => h('button', { type: 'button', 'data-stop': s.id, on: { click: async () => {
        try { await del('/admin/emergency-stop/' + encodeURIComponent(s.id)); notice(status, 'Stop ' + s.id + ' released: traffic flows again.'); await load(); }
        catch (e) { notice(status, e.message, 'error'); }
      } } }, 'Release') },
    ], res.data, 'No emergency stop is active: all traffic flows.'));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const body = { scope: scope.value, reason: reason.value.trim() };
      if (scope.value !== 'global') body.id = subject.value.trim();
      const s = await post('/admin/emergency-stop', body);
      notice(status, 'Stop ' + s.id + ' started: matching requests are refused with 503 emergency_stop.');
      reason.value = '';
      await load();
    } catch (e) {
      notice(status, e.message, 'error');
    }
  });
  el.append(section('Start a stop', h('p', { class: 'muted' }, 'Refuses chat, messages, embeddings and images in the scope at once, on every replica; running streams end within a second.'), form),
    status, section('Active stops', list));
  await load();
}

async function accounts(el, ctx) {
  const id = new URLSearchParams(location.hash.split('?')[1] || '').get('id');
  if (id) return account(el, ctx, id);
  const status = h('div', { id: 'accounts-status' });
  const name = h('input', { id: 'account-name', required: true, maxlength: 200 });
  const credits = h('input', { id: 'account-credits', type: 'number', min: 0, step: 'any', value: 0 });
  const plan = h('input', { id: 'account-plan', placeholder: 'none' });
  const form = h('form', { id: 'account-form', class: 'form-grid' }, h('label', {}, 'Name', name), h('label', {}, 'Initial credits', credits),
    h('label', {}, 'Plan', plan), h('div', {}, h('button', { type: 'submit' }, 'Create account')));
  const list = h('div', {});
  const afters = [null];
  let page = 0;
  const load = async () => {
    const res = await get('/admin/accounts?limit=' + PAGE + (afters[page] ? '&after=' + encodeURIComponent(afters[page]) : ''));
    if (ctx.stale()) return;
    afters[page + 1] = res.next;
    clear(list).append(table([
      { label: 'Name', value: (a) => h('a', { href: '#/accounts?id=' + encodeURIComponent(a.id) }, a.name) },
      { label: 'Id', value: (a) => h('code', {}, a.id) },
      { label: 'Plan', value: (a) => a.plan || '—' },
      { label: 'Balance', value: (a) => fmt.credits(a.balance), num: true },
      { label: 'Held', value: (a) => fmt.credits(a.held), num: true },
      { label: 'Created', value: (a) => fmt.time(a.created_at) },
    ], res.data, 'No accounts yet: create one above (or with ./tollgate accounts create).'),
    h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: page === 0, on: { click: () => { page--; load(); } } }, '← Previous'),
      h('button', { type: 'button', disabled: !res.next, on: { click: () => { page++; load(); } } }, 'Next →')));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const body = { name: name.value.trim(), credits: Number(credits.value) || 0 };
      if (plan.value.trim()) body.plan = plan.value.trim();
      const a = await post('/admin/accounts', body);
      location.hash = '#/accounts?id=' + encodeURIComponent(a.id);
    } catch (e) {
      notice(status, e.message, 'error');
    }
  });
  el.append(section('New account', form, status), section('Accounts', list));
  await load();
}

async function account(el, ctx, id) {
  const a = await get('/admin/accounts/' + encodeURIComponent(id));
  if (ctx.stale()) return;
  const status = h('div', { id: 'account-status' });
  if (flash) notice(status, flash);
  flash = null;
  const reload = () => ctx.rerender();
  const act = (fn, done) => async (ev) => {
    ev.preventDefault();
    try { await fn(); flash = done; await reload(); } catch (e) { notice(status, e.message, 'error'); }
  };

  const amount = h('input', { id: 'grant-amount', type: 'number', step: 'any', required: true });
  const reason = h('input', { id: 'grant-reason', maxlength: 200, placeholder: 'e.g. invoice 42' });
  const idem = h('input', { id: 'grant-key', value: randomKey('dash-'), maxlength: 100 });
  const grant = h('form', { id: 'grant-form', class: 'form-grid' }, h('label', {}, 'Credits (negative removes)', amount),
    h('label', {}, 'Reason', reason), h('label', {}, 'Idempotency key', idem), h('div', {}, h('button', { type: 'submit' }, 'Grant')));
  grant.addEventListener('submit', act(() => post('/admin/accounts/' + encodeURIComponent(id) + '/credits',
    { amount: Number(amount.value), reason: reason.value.trim() || undefined, idempotency_key: idem.value.trim() || undefined }), 'Credits granted.'));

  const field = (name, label, value) => h('label', {}, label, h('input', { id: 'limit-' + name, name, value: value ?? '', placeholder: 'plan decides' }));
  const limits = h('form', { id: 'limits-form', class: 'form-grid' },
    field('plan', 'Plan', a.plan), field('monthly_budget', 'Monthly budget (credits)', a.limits.monthly_budget),
    field('rpm', 'Requests / min', a.limits.rpm), field('tpm', 'Tokens / min', a.limits.tpm),
    field('max_parallel', 'Max parallel', a.limits.max_parallel), h('div', {}, h('button', { type: 'submit' }, 'Save plan and limits')));
  limits.addEventListener('submit', act(() => {
    const body = {};
    for (const input of limits.querySelectorAll('input')) {
      const v = input.value.trim();
      body[input.name] = v === '' ? null : input.name === 'plan' ? v : Number(v);
    }
    return patch('/admin/accounts/' + encodeURIComponent(id), body);
  }, 'Plan and limits saved.'));

  const keyName = h('input', { id: 'admin-key-name', maxlength: 100 });
  const manage = h('input', { id: 'admin-key-manage', type: 'checkbox' });
  const secret = h('div', {});
  const keyForm = h('form', { class: 'inline-form' }, h('label', { for: 'admin-key-name' }, 'New key name'), keyName,
    h('label', {}, manage, ' may manage keys'), h('button', { type: 'submit' }, 'Create key'));
  keyForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const body = { can_manage_keys: manage.checked };
      if (keyName.value.trim()) body.name = keyName.value.trim();
      const k = await post('/admin/accounts/' + encodeURIComponent(id) + '/keys', body);
      clear(secret).append(h('div', { class: 'secret', role: 'status' }, h('p', {}, 'Key ', h('code', {}, k.id), ' created. Copy it now: it will not be shown again.'),
        h('div', { class: 'inline-form' }, h('input', { readonly: true, value: k.key, 'aria-label': 'New key' }),
          h('button', { type: 'button', on: { click: () => { clear(secret); reload(); } } }, 'Done, I stored it'))));
    } catch (e) {
      notice(status, e.message, 'error');
    }
  });

  el.append(h('p', {}, h('a', { href: '#/accounts' }, '← All accounts')),
    h('h2', {}, a.name + ' ', h('code', {}, a.id)),
    h('div', { class: 'stats' }, stat('Balance', fmt.credits(a.balance), { id: 'account-balance', value: a.balance }),
      stat('Held', fmt.credits(a.held), {}), stat('Available', fmt.credits(a.available), {}), stat('Plan', a.plan || 'none', {})),
    status,
    section('Grant credits', h('p', { class: 'muted' }, 'The idempotency key makes a retry or a double click grant once; a new one is drawn for each page.'), grant),
    section('Plan, budget and limits', h('p', { class: 'muted' }, 'Empty = not set (the plan decides); 0 = unlimited for the per-minute limits.'), limits),
    section('Keys', keyForm, secret, table([
      { label: 'Name', value: (k) => k.name || '(unnamed)' },
      { label: 'Key', value: (k) => h('code', {}, k.prefix) },
      { label: 'Created', value: (k) => fmt.time(k.created_at) },
      { label: 'State', value: (k) => (k.revoked ? 'revoked' : 'active') },
      { label: 'Manages keys', value: (k) => (k.can_manage_keys ? 'yes' : 'no') },
      { label: '', value: (k) => (k.revoked ? '' : confirmButton('Revoke', 'Revoke ' + (k.name || k.id) + '?', 'Yes, revoke', {},
        act(() => del('/admin/keys/' + encodeURIComponent(k.id)), 'Key ' + k.id + ' revoked: it stopped working at once.'))) },
    ], a.keys, 'No keys: create one above.')));
}

export const operatorPages = {
  overview: { title: 'System', render: overview },
  usage: { title: 'Usage', render: usage },
  providers: { title: 'Providers & cache', render: providers },
  alerts: { title: 'Alerts', render: alerts },
  stops: { title: 'Emergency stop', render: stops },
  accounts: { title: 'Accounts', render: accounts },
};
