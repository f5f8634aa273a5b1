// Seed 000's "show the cost, confirm, execute": estimate first (nothing is called, nothing charged),
// then stream the answer, then the real charge and the balance after it.
import { get, post, stream, readSse } from './api.js';
import { h, clear, fmt, stat, notice } from './dom.js';

export async function playground(el, ctx) {
  const models = await get('/v1/models');
  if (ctx.stale()) return;
  const model = h('select', { id: 'play-model', name: 'model' },
    models.data.map((m) => h('option', { value: m.id }, m.id)));
  const maxTokens = h('input', { id: 'play-max-tokens', type: 'number', min: 1, max: 100000, value: 256 });
  const prompt = h('textarea', { id: 'play-prompt', rows: 4, required: true, placeholder: 'Ask something…' });
  const estimateBox = h('div', { id: 'play-estimate', 'aria-live': 'polite' });
  const send = h('button', { type: 'button', id: 'play-send', disabled: true }, 'Send');
  const stop = h('button', { type: 'button', id: 'play-stop', hidden: true }, 'Stop');
  const answer = h('pre', { id: 'play-answer', class: 'answer', 'aria-live': 'polite' });
  const result = h('div', { id: 'play-result' });
  const status = h('div', {});
  const form = h('form', { id: 'play-form', class: 'play' },
    h('div', { class: 'row' },
      h('label', {}, 'Model ', model), h('label', {}, 'Max output tokens ', maxTokens)),
    h('label', { for: 'play-prompt' }, 'Prompt'), prompt,
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'play-estimate-button' }, 'Estimate cost'), send, stop));
  el.append(h('p', { class: 'muted' }, 'Estimate first: it calls no model and costs nothing. Sending holds at most the maximum cost and charges what the model really used.'),
    form, estimateBox, status, answer, result);

  let estimated = null; // the request the estimate was for; any edit asks for a new estimate
  const request = () => ({ model: model.value, max_tokens: Number(maxTokens.value) || undefined,
    messages: [{ role: 'user', content: prompt.value }] });
  const invalidate = () => { estimated = null; send.disabled = true; clear(estimateBox); };
  [model, maxTokens, prompt].forEach((i) => i.addEventListener('input', invalidate));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    notice(status, '');
    try {
      const req = request();
      const e = await post('/v1/estimate', req);
      estimated = req;
      clear(estimateBox).append(h('div', { class: 'stats' },
        stat('Expected cost', fmt.credits(e.expected_cost ?? e.estimated_cost), { id: 'play-expected', value: e.expected_cost ?? e.estimated_cost,
          note: e.expected_basis === 'output_cap' || !e.expected_basis ? 'no history yet: assumes the output cap' : 'from ' + fmt.int(e.sample_size) + ' past answers' }),
        stat('Maximum cost', fmt.credits(e.max_cost), { id: 'play-max', value: e.max_cost, note: 'held while the answer runs' }),
        stat('Prompt tokens', fmt.int(e.estimated_input_tokens), { note: 'model ' + e.model + ' via ' + e.provider }),
        stat('Available', fmt.credits(e.balance), { note: e.sufficient ? 'enough for the maximum' : 'not enough for the maximum' })));
      send.disabled = !e.sufficient;
      send.textContent = 'Send (up to ' + fmt.creditsShort(e.max_cost) + ' credits)';
      if (e.sufficient) send.focus();
    } catch (e) {
      notice(status, e.message, 'error');
    }
  });

  send.addEventListener('click', async () => {
    if (!estimated) return;
    const req = { ...estimated, stream: true, stream_options: { include_usage: true } };
    const abort = new AbortController();
    send.disabled = true;
    stop.hidden = false;
    stop.onclick = () => abort.abort();
    clear(answer);
    clear(result);
    notice(status, 'Streaming…');
    let usage = null;
    try {
      const res = await stream('/v1/chat/completions', req, abort.signal);
      const servedBy = (res.headers.get('x-tollgate-model') || '') + ' via ' + (res.headers.get('x-tollgate-provider') || '?');
      await readSse(res, (chunk) => {
        if (chunk.error) throw new Error(chunk.error.message || 'the stream ended with an error');
        const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
        if (delta && delta.content) answer.append(delta.content); // text node: the answer is never markup
        if (chunk.usage) usage = chunk.usage;
      });
      const credits = await get('/v1/credits');
      notice(status, 'Done: answered by ' + servedBy + '.');
      clear(result).append(h('div', { class: 'stats' },
        stat('Charged', fmt.credits(usage ? usage.cost : null), { id: 'play-cost', value: usage ? usage.cost : '' }),
        stat('Tokens', fmt.int(usage ? usage.total_tokens : null), { note: usage ? fmt.int(usage.prompt_tokens) + ' in · ' + fmt.int(usage.completion_tokens) + ' out' : '' }),
        stat('Balance now', fmt.credits(credits.balance), { id: 'play-balance', value: credits.balance, note: 'available ' + fmt.credits(credits.available) })));
    } catch (e) {
      notice(status, abort.signal.aborted ? 'Stopped; you are charged only for what was produced.' : e.message, 'error');
    } finally {
      stop.hidden = true;
      send.disabled = !estimated;
    }
  });
}
