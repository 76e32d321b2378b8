// replay-html viewer: the inspector's Network tab. The requests the page made (rrweb/network@1,
// and PostHog's legacy posthog/network@1): method, address, status, duration, size and a
// waterfall; filtered by type, failure and address. A click seeks to the request and opens its
// details, with the headers and bodies when they were recorded (read from the event itself,
// on demand).

/** Longest body shown, in characters. */
const MAX_BODY = 100_000;

function setupNetwork(app) {
  const type = byId('network-type');
  const failedOnly = byId('network-failed');
  const search = byId('network-search');
  const detail = byId('request-detail');
  let span = { start: 0, length: 1 };

  const list = new RowList(app, {
    list: byId('network-rows'),
    empty: byId('network-empty'),
    count: byId('count-network'),
    none: 'The recording holds no network request.',
    nothing: 'No request matches the filter.',
    pick: (inspector) => {
      const rows = inspector.network;
      let start = 0;
      let end = 1;
      for (const row of rows) {
        start = Math.min(start, row.t);
        end = Math.max(end, row.t + (row.duration || 0));
      }
      span = { start, length: end - start };
      detail.hidden = true;
      return rows;
    },
    describe: (row) => `${row.method || 'GET'} ${row.url}${row.status ? `, ${row.status}` : ''}`,
    render: (row) => {
      const { name, place } = splitUrl(row.url);
      const left = (100 * (row.t - span.start)) / span.length;
      const width = (100 * (row.duration || 0)) / span.length;
      return [
        h('span', { class: 'net-method' }, row.method || 'GET'),
        h('span', { class: 'net-name', title: row.url }, h('span', {}, name), h('span', { class: 'muted' }, place)),
        h('span', { class: `net-status${row.failed ? ' is-failed' : ''}` }, row.status ? String(row.status) : '—'),
        h('span', { class: 'net-duration' }, formatMs(row.duration)),
        h('span', { class: 'net-size' }, formatBytes(row.size)),
        h('span', { class: 'net-waterfall', 'aria-hidden': 'true' },
          h('span', { class: `net-bar${row.failed ? ' is-failed' : ''}`, style: `left: ${left.toFixed(3)}%; width: ${width.toFixed(3)}%` })),
      ];
    },
    text: (row) => searchable(row.url, row.method, row.status),
    filter: () => {
      const wanted = type.value;
      const failed = failedOnly.checked;
      return {
        words: search.value.trim().toLowerCase(),
        accept: wanted || failed ? (row) => (!wanted || requestType(row.initiator) === wanted) && (!failed || row.failed) : null,
      };
    },
    choose: (row) => showRequest(app, row, detail),
  });
  for (const control of [type, failedOnly]) control.addEventListener('change', () => list.refilter());
  search.addEventListener('input', () => list.refilter());
}

/** A request's type, from what started it. */
function requestType(initiator) {
  switch (initiator) {
    case 'fetch': case 'xmlhttprequest': case 'beacon': return 'fetch';
    case 'navigation': case 'iframe': return 'document';
    case 'script': return 'script';
    case 'link': case 'css': return 'style';
    case 'img': case 'image': return 'image';
    default: return 'other';
  }
}

/** A URL's last part (its name) and the rest (where it is). */
function splitUrl(url) {
  try {
    const parsed = new URL(url);
    const name = parsed.pathname.split('/').filter(Boolean).pop() || '/';
    return { name: name + parsed.search, place: ` ${parsed.host}${parsed.pathname}` };
  } catch {
    return { name: url, place: '' };
  }
}

/** Opens the details of a request; headers and bodies are read from its event. */
async function showRequest(app, row, detail) {
  const close = h('button', { type: 'button', class: 'button icon', 'aria-label': 'Close the request details' }, '×');
  close.addEventListener('click', () => { detail.hidden = true; });
  const facts = h('dl', { class: 'detail-facts' });
  const fact = (label, value) => {
    if (value === null || value === undefined || value === '') return;
    facts.append(h('dt', {}, label), h('dd', {}, value));
  };
  fact('URL', row.url);
  fact('Method', row.method || 'GET');
  fact('Status', row.status ? String(row.status) : null);
  fact('Type', row.initiator);
  fact('Started', row.t < 0 ? `${formatMs(-row.t)} before the recording` : formatClock(row.t));
  fact('Duration', formatMs(row.duration));
  fact('Size', formatBytes(row.size));
  const more = h('div', { class: 'detail-more' }, row.details ? 'Reading headers and bodies…' : 'Headers and bodies were not recorded.');
  detail.replaceChildren(
    h('div', { class: 'detail-head' }, h('h3', {}, `${row.method || 'GET'} ${splitUrl(row.url).name}`), close),
    facts, more);
  detail.hidden = false;
  if (!row.details) return;
  const recording = app.recording;
  let event;
  try {
    event = await app.session.loader.event(row.window, row.event);
  } catch {
    // The recording was closed while its events were expanded, or they cannot be (the stage
    // says so): the details stay as they are.
    return;
  }
  if (app.recording !== recording || !detail.contains(more)) return;
  const recorded = requestDetail(event, row.request);
  if (!recorded) {
    more.textContent = 'Headers and bodies were not recorded.';
    return;
  }
  more.replaceChildren(
    ...section('Request headers', headers(recorded.requestHeaders)),
    ...section('Request body', body(recorded.requestBody)),
    ...section('Response headers', headers(recorded.responseHeaders)),
    ...section('Response body', body(recorded.responseBody)));
}

function section(title, content) {
  return content ? [h('h4', {}, title), content] : [];
}

function headers(recorded) {
  if (!recorded || typeof recorded !== 'object' || Object.keys(recorded).length === 0) return null;
  return h('dl', { class: 'detail-headers' },
    ...Object.entries(recorded).flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, String(value))]));
}

function body(recorded) {
  if (recorded === null || recorded === undefined || recorded === '') return null;
  let text = typeof recorded === 'string' ? recorded : JSON.stringify(recorded, null, 2);
  try {
    if (typeof recorded === 'string') text = JSON.stringify(JSON.parse(recorded), null, 2);
  } catch {
    // Not JSON: shown as recorded.
  }
  if (text.length > MAX_BODY) text = `${text.slice(0, MAX_BODY)}\n… (${text.length - MAX_BODY} more characters)`;
  return h('pre', { class: 'detail-body' }, text);
}
