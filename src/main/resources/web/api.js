// Every call goes through the gateway's own HTTP API with the signed-in credential as a Bearer
// token, exactly as curl or an SDK would: the dashboard has no powers of its own.

let credential = null;

export function setCredential(c) { credential = c; }

export class ApiError extends Error {
  constructor(status, body) {
    const e = body && body.error;
    super(e && e.message ? e.message : 'HTTP ' + status);
    this.status = status;
    this.code = e ? e.code : null;
  }
}

/** One API call; JSON in and out. Resolves to the parsed body (null for 204), rejects with ApiError. */
export async function call(method, path, body, extraHeaders) {
  const res = await send(method, path, body, extraHeaders);
  if (res.status === 204) return null;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** The raw Response (for streams and headers); rejects with ApiError when the status is not 2xx. */
export async function stream(path, body, signal) {
  const res = await send('POST', path, body, {}, signal);
  if (!res.ok) {
    let json = null;
    try { json = await res.json(); } catch { json = null; }
    throw new ApiError(res.status, json);
  }
  return res;
}

function send(method, path, body, extraHeaders, signal) {
  const headers = { Accept: 'application/json', ...(extraHeaders || {}) };
  if (credential) headers.Authorization = 'Bearer ' + credential;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, {
    method, headers, signal,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', credentials: 'omit', redirect: 'error', referrerPolicy: 'no-referrer',
  });
}

export const get = (path) => call('GET', path);
export const post = (path, body, headers) => call('POST', path, body === undefined ? {} : body, headers);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

/** Reads an OpenAI SSE stream: calls onEvent(json) for each data line, stops at [DONE]. */
export async function readSse(res, onEvent) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true }).replace(/\r/g, '');
    let cut;
    while ((cut = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        let json;
        try { json = JSON.parse(data); } catch { continue; }
        onEvent(json);
      }
    }
  }
}
