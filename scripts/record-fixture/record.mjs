// record.mjs: records a REAL browser session with the REAL posthog-js recorder and writes the
// replay-html test fixtures from it.
//
// Run:   cd scripts/record-fixture && npm ci && node record.mjs
// Needs: Node 20+, and Chromium at /usr/bin/chromium (Debian: apt-get install chromium), or set
//        CHROMIUM=/path/to/chromium. No network besides 127.0.0.1 is used.
//
// What it does:
// 1. Serves on 127.0.0.1 (random free port) a small demo app (./demo), posthog-js from
//    node_modules (/static/<name>.js: array.js and the lazily loaded lazy-recorder.js), the
//    PostHog endpoints this posthog-js version calls (/array/<token>/config(.js), /flags/,
//    /decide/, analytics /e/ and /i/v0/e/) with session recording, console log recording and
//    network capture (headers + bodies) switched on, and the `/s/` recording endpoint, which keeps
//    every request body exactly as received. Also /api/order (POST, 200 JSON), /api/missing (404).
// 2. Drives headless Chromium through one session in one browser context with two windows:
//    A: shop form -> "Place order" (console log/warn/error, fetch 200 + 404, pushState /thanks),
//    an idle pause (> 5 s), B: help centre search "refund", back to A: "Email receipt" (the last
//    visible change; the session ends in window A).
// 3. Writes (paths relative to the repository root, whatever the cwd):
//    examples/demo-ph-recording.json                     PostHog export 2023-04-28, integer window ids
//    tests/fixtures/real/export-2023-04-28-int-windows.json   (same as the example)
//    tests/fixtures/real/export-2023-04-28-uuid-windows.json  window ids as posthog-js uuid strings
//    tests/fixtures/real/export-2023-04-28-no-id-person-undefined.json  no data.id, "person":undefined
//    tests/fixtures/real/export-2022-12-02.json          snapshotsByWindowId
//    tests/fixtures/real/snapshots-blob_v2.jsonl         ["<window>", event] lines, events as sent (cv kept)
//    tests/fixtures/real/snapshots-decompress-false.bin  the same lines as length-prefixed snappy blocks
//    tests/fixtures/real/snapshots-long-term.snappy      the same lines as one raw snappy block
//    tests/fixtures/real/snapshots-windowid-lines.jsonl  {...event,"windowId":"<uuid>"} lines, CRLF, blank lines
//    tests/fixtures/real/snapshots-blob_v1.jsonl         {"window_id":..,"data":[one /s/ batch]} lines
//    tests/fixtures/real/rrweb-events.json               bare array, decompressed, with windowId
//    tests/fixtures/real/rrweb-events-one-window-no-windowid.json  window A only, no windowId
//    tests/fixtures/real/capture/NNNN.body + index.json  raw /s/ request bodies as received
//    tests/fixtures/real/expected.json                   facts derived from the capture, for the Rust tests
//
// Every run makes a new recording (new session id, timestamps, port), so all outputs change together.
// The run fails, writing nothing, unless the recording has two windows each with Meta + FullSnapshot,
// console log/warn/error, the network 200 and 404, cv events, > 5 s of inactivity and ends in A.
// RECORD_DEBUG=1 also dumps the served request log and the analytics events to $TMPDIR.
//
// Things posthog-js needs to record here: its bot filter drops HeadlessChrome user agents and
// navigator.webdriver, so the pages get a plain Chrome user agent and webdriver=false; and it never
// records network requests on localhost/127.0.0.1 unless
// posthog.sessionRecording._forceAllowLocalhostNetworkCapture is set (demo/posthog-init.js does).
// .npmrc keeps registry host names out of package-lock.json.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { writeSnappyFixtures } from './snappy-blocks.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const DEMO_DIR = path.join(HERE, 'demo');
const PH_DIST = path.join(HERE, 'node_modules', 'posthog-js', 'dist');
const PH_VERSION = JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', 'posthog-js', 'package.json'), 'utf8')).version;
const PW_VERSION = JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', 'playwright-core', 'package.json'), 'utf8')).version;
const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'real');
const CAPTURE_DIR = path.join(FIXTURES, 'capture');
const EXAMPLE = path.join(REPO, 'examples', 'demo-ph-recording.json');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOKEN = 'phc_replay_html_demo_token';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const log = (...a) => console.log('[record]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// What the local "PostHog" answers
// ---------------------------------------------------------------------------------------------

// Remote config as PostHog serves it from /array/<token>/config (JSON) and, wrapped in a script,
// from /array/<token>/config.js. Session recording on, console logs on, network timing, headers
// and bodies on, recordings sent to /s/.
const REMOTE_CONFIG = {
  token: TOKEN,
  supportedCompression: ['gzip', 'gzip-js'],
  hasFeatureFlags: false,
  captureDeadClicks: false,
  capturePerformance: { network_timing: true, web_vitals: false },
  autocapture_opt_out: false,
  autocaptureExceptions: false,
  analytics: { endpoint: '/i/v0/e/' },
  elementsChainAsString: true,
  errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
  logs: { captureConsoleLogs: false },
  sessionRecording: {
    endpoint: '/s/',
    consoleLogRecordingEnabled: true,
    recordCanvas: false,
    sampleRate: null,
    minimumDurationMilliseconds: null,
    linkedFlag: null,
    networkPayloadCapture: { recordHeaders: true, recordBody: true },
    masking: null,
    urlTriggers: [],
    urlBlocklist: [],
    eventTriggers: [],
    scriptConfig: null,
  },
  heatmaps: false,
  surveys: false,
  productTours: false,
  defaultIdentifiedOnly: true,
  siteApps: [],
};

// /flags/?v=2 (current) and /decide/ (older SDKs) answers.
const FLAGS_RESPONSE = { flags: {}, featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false, requestId: '00000000-0000-0000-0000-000000000000' };
const DECIDE_RESPONSE = { ...REMOTE_CONFIG, ...FLAGS_RESPONSE };

// ---------------------------------------------------------------------------------------------
// Request body decoding
// ---------------------------------------------------------------------------------------------

const isGzip = (buf) => buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;

function decodeBody(buf, query) {
  if (isGzip(buf)) return JSON.parse(zlib.gunzipSync(buf).toString('utf8'));
  const text = buf.toString('utf8');
  if (query.get('compression') === 'base64' || text.startsWith('data=')) {
    const data = new URLSearchParams(text).get('data');
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  }
  return JSON.parse(text);
}

// A capture body is an array of events, {batch:[...]} or one event.
function captureEvents(payload) {
  if (Array.isArray(payload)) return payload;
  if (payload && Array.isArray(payload.batch)) return payload.batch;
  if (payload && typeof payload === 'object') return [payload];
  return [];
}

// ---------------------------------------------------------------------------------------------
// posthog-js cv "2024-10" decompression
// ---------------------------------------------------------------------------------------------

function gunzipLatin1Json(s) {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) throw new Error(`cv field has char U+${s.charCodeAt(i).toString(16)} > U+00FF`);
  }
  return JSON.parse(zlib.gunzipSync(Buffer.from(s, 'latin1')).toString('utf8'));
}

function decompressEvent(ev) {
  if (!ev || typeof ev !== 'object' || ev.cv === undefined) return ev;
  if (ev.cv !== '2024-10') return ev; // unknown cv: leave it as is
  const { cv, ...out } = ev; // eslint-disable-line no-unused-vars
  if (out.type === 2 && typeof out.data === 'string') {
    out.data = gunzipLatin1Json(out.data);
  } else if (out.type === 3 && out.data && typeof out.data === 'object') {
    const fields = out.data.source === 0 ? ['texts', 'attributes', 'removes', 'adds'] : out.data.source === 8 ? ['adds', 'removes'] : [];
    const data = { ...out.data };
    for (const f of fields) if (typeof data[f] === 'string') data[f] = gunzipLatin1Json(data[f]);
    out.data = data;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTTP server
// ---------------------------------------------------------------------------------------------

const snapshotRequests = []; // every /s/ request: {seq, receivedAt, path, query, headers, body(Buffer), payload}
const analyticsEvents = []; // decoded non-recording events ($identify, $pageview, ...)
const requestLog = []; // "METHOD path -> status"
let lastSnapshotAt = 0;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const CONTENT_TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };

function send(res, status, body, type = 'application/json', extraHeaders = {}) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...extraHeaders });
  res.end(buf);
  return status;
}

function sendFile(res, file) {
  return send(res, 200, fs.readFileSync(file), CONTENT_TYPES[path.extname(file)] || 'application/octet-stream');
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const p = url.pathname;
  const q = url.searchParams;
  const method = req.method;
  const body = method === 'POST' ? await readBody(req) : Buffer.alloc(0);

  // (a) the demo app
  if (method === 'GET' && (p === '/' || p === '/thanks')) return sendFile(res, path.join(DEMO_DIR, 'index.html'));
  if (method === 'GET' && p === '/help') return sendFile(res, path.join(DEMO_DIR, 'help.html'));
  if (method === 'GET' && /^\/[a-z0-9-]+\.(js|css)$/.test(p) && fs.existsSync(path.join(DEMO_DIR, p.slice(1)))) {
    return sendFile(res, path.join(DEMO_DIR, p.slice(1)));
  }
  if (method === 'GET' && p === '/favicon.ico') return send(res, 204, '');

  // (b) posthog-js bundles: /static/<name>.js?v=<version> and /static/<version>/<name>.js
  let m = /^\/static\/(?:[0-9][^/]*\/)?([a-z0-9.-]+\.js)$/.exec(p);
  if (method === 'GET' && m && fs.existsSync(path.join(PH_DIST, m[1]))) return sendFile(res, path.join(PH_DIST, m[1]));

  // (c) config and flags
  m = /^\/array\/([^/]+)\/config(\.js)?$/.exec(p);
  if (method === 'GET' && m) {
    if (m[1] !== TOKEN) return send(res, 404, { error: 'unknown token' });
    if (m[2]) {
      const js = `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(TOKEN)}]={config:${JSON.stringify(REMOTE_CONFIG)},siteApps:[]};})();`;
      return send(res, 200, js, CONTENT_TYPES['.js']);
    }
    return send(res, 200, REMOTE_CONFIG);
  }
  if (p === '/flags/' || p === '/flags') return send(res, 200, FLAGS_RESPONSE);
  if (p === '/decide/' || p === '/decide') return send(res, 200, DECIDE_RESPONSE);

  // (d) the recording endpoint: keep the raw bytes, decode a copy
  if (method === 'POST' && (p === '/s/' || p === '/s')) {
    const entry = { seq: snapshotRequests.length + 1, receivedAt: Date.now(), path: p, query: url.search.replace(/^\?/, ''), headers: req.headers, body, payload: null, error: null };
    try {
      entry.payload = decodeBody(body, q);
    } catch (e) {
      entry.error = String(e);
    }
    snapshotRequests.push(entry);
    lastSnapshotAt = Date.now();
    return send(res, 200, { status: 1 });
  }

  // analytics events ($pageview, $identify, ...): answered, kept in memory for the person
  if (method === 'POST' && ['/e/', '/i/v0/e/', '/batch/', '/capture/', '/engage/', '/track/'].includes(p)) {
    try {
      analyticsEvents.push(...captureEvents(decodeBody(body, q)));
    } catch (e) {
      log('could not decode analytics body', p, String(e));
    }
    return send(res, 200, { status: 1 });
  }

  // demo app API
  if (p === '/api/order' && method === 'POST') return send(res, 200, { orderId: 1042, status: 'confirmed', total: '126.00' });
  if (p === '/api/missing') return send(res, 404, { error: 'recommendations not found' });

  return send(res, 404, { error: 'not found' });
}

function startServer() {
  const server = http.createServer((req, res) => {
    handle(req, res)
      .then((status) => requestLog.push(`${req.method} ${req.url.replace(/([?&]_=)\d+/, '$1…')} -> ${status}`))
      .catch((e) => {
        log('server error', req.method, req.url, e);
        if (!res.headersSent) send(res, 500, { error: String(e) });
      });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------------------------------------
// The browser scenario
// ---------------------------------------------------------------------------------------------

async function userAgentFor() {
  // The recorder ignores "HeadlessChrome" user agents and navigator.webdriver (bot filter), so
  // the pages get the user agent of the same Chromium as a normal, headed browser.
  const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const version = b.version();
  await b.close();
  const major = version.split('.')[0];
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

async function waitForRecording(page) {
  await page.waitForFunction(() => window.posthog && window.posthog.__loaded && window.posthog.sessionRecordingStarted && window.posthog.sessionRecordingStarted(), null, { timeout: 20000 });
}

async function wiggle(page, from, to, steps = 12) {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.move(to[0], to[1], { steps });
}

async function runScenario(baseUrl) {
  const userAgent = await userAgentFor();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-fixture-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    userAgent,
    viewport: { width: 1024, height: 720 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false, configurable: true });
  });
  const live = {};
  try {
    // 1. Window A: the shop
    const a = context.pages()[0] || (await context.newPage());
    a.on('console', (msg) => log('A console', msg.type(), msg.text()));
    await a.goto(`${baseUrl}/`);
    await waitForRecording(a);
    await sleep(600);
    await wiggle(a, [200, 120], [380, 250]);
    await a.click('#name');
    await a.keyboard.type('Ada Lovelace', { delay: 70 });
    await a.click('#email');
    await a.keyboard.type('ada@example.com', { delay: 50 });
    await a.selectOption('#quantity', '3');
    await a.check('#gift');
    await wiggle(a, [400, 300], [300, 420]);
    await a.mouse.wheel(0, 320);
    await sleep(500);
    await a.mouse.wheel(0, -320);
    await sleep(400);

    // 2. Place order: console log/warn, POST /api/order (200), GET /api/missing (404 + console.error)
    await a.click('#place-order');
    await a.waitForSelector('#thanks');
    await a.waitForURL('**/thanks');
    await sleep(800);
    await wiggle(a, [300, 200], [520, 260]);

    // an idle stretch of more than 5 s (inactivity in the player)
    await sleep(6500);

    // 3. Window B: help centre in a new page of the same context (same session, new window id)
    const b = await context.newPage();
    b.on('console', (msg) => log('B console', msg.type(), msg.text()));
    await b.goto(`${baseUrl}/help`);
    await waitForRecording(b);
    await sleep(400);
    await wiggle(b, [150, 100], [300, 200]);
    await b.click('#search');
    await b.keyboard.type('refund', { delay: 120 });
    await b.waitForFunction(() => document.getElementById('match-count').textContent.startsWith('3 articles match'));
    await wiggle(b, [300, 200], [260, 320]);
    await sleep(2000);

    // 4. Back to window A: "Email receipt", the last visible change of the session
    await a.bringToFront();
    await sleep(300);
    await wiggle(a, [500, 300], [200, 380]);
    await a.click('#email-receipt');
    await a.waitForFunction(() => document.getElementById('receipt-status').textContent.startsWith('Receipt sent'));
    await a.mouse.move(230, 400, { steps: 4 });

    live.a = await a.evaluate(() => ({ text: document.body.innerText, sessionId: window.posthog.get_session_id(), url: location.href }));
    live.b = await b.evaluate(() => ({ text: document.body.innerText, sessionId: window.posthog.get_session_id(), url: location.href }));

    // flush: posthog-js sends its buffer 2 s after the last event; then close the pages (pagehide
    // flushes whatever is left with sendBeacon), B first so that the session ends in A.
    await sleep(3000);
    await b.close({ runBeforeUnload: true });
    await sleep(1500);
    await a.close({ runBeforeUnload: true });
    const quietSince = Date.now();
    while (Date.now() - Math.max(lastSnapshotAt, quietSince) < 3000) await sleep(200);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  return { userAgent, live };
}

// ---------------------------------------------------------------------------------------------
// Turning the capture into fixtures
// ---------------------------------------------------------------------------------------------

const json = (v) => JSON.stringify(v);

function writeFile(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

// Text of a serialized rrweb node tree (FullSnapshot data.node or a mutation's added node).
function collectTexts(node, out) {
  if (!node || typeof node !== 'object') return;
  if (node.type === 3 && typeof node.textContent === 'string') out.push(node.textContent);
  if (Array.isArray(node.childNodes)) for (const c of node.childNodes) collectTexts(c, out);
}

function domTexts(events) {
  const out = [];
  for (const ev of events) {
    if (ev.type === 2) collectTexts(ev.data && ev.data.node, out);
    if (ev.type === 3 && ev.data && ev.data.source === 0) {
      for (const add of ev.data.adds || []) collectTexts(add.node, out);
      for (const t of ev.data.texts || []) if (typeof t.value === 'string') out.push(t.value);
    }
  }
  return out;
}

function buildPerson(distinctId, snapshotProps) {
  const identify = analyticsEvents.find((e) => e.event === '$identify' && e.properties && e.properties.distinct_id === distinctId);
  if (!identify) throw new Error(`no $identify event for ${distinctId} was captured`);
  const p = identify.properties;
  // posthog-js puts $set at the top of the event; older versions had it in properties
  const set = identify.$set || p.$set || {};
  const distinctIds = [distinctId];
  if (p.$anon_distinct_id && p.$anon_distinct_id !== distinctId) distinctIds.push(p.$anon_distinct_id);
  const keep = ['$browser', '$browser_version', '$os', '$os_version', '$device_type', '$current_url', '$host', '$pathname', '$screen_height', '$screen_width', '$lib', '$lib_version', '$referrer', '$referring_domain'];
  const properties = { email: set.email, name: set.name };
  for (const k of keep) if (p[k] !== undefined) properties[k] = p[k];
  const initial = {};
  for (const k of ['$browser', '$os', '$current_url', '$referrer', '$referring_domain']) {
    if (p[k] !== undefined) initial[k.replace(/^\$/, '$initial_')] = p[k];
  }
  Object.assign(properties, initial);
  const uuid = crypto.randomUUID();
  const createdAt = new Date(identify.timestamp || (snapshotProps && snapshotProps.timestamp) || Date.now()).toISOString();
  // PostHog's API names a person by its email when it has one.
  return { id: uuid, uuid, name: set.email || set.name || distinctId, distinct_ids: distinctIds, properties, created_at: createdAt, is_identified: true };
}

function buildOutputs(baseUrl, scenario) {
  const bad = snapshotRequests.filter((r) => r.error);
  if (bad.length) throw new Error(`could not decode ${bad.length} /s/ bodies: ${bad[0].error}`);
  if (!snapshotRequests.length) throw new Error('no /s/ requests were captured');

  // capture order: request order, then event order, then $snapshot_data order
  const batches = []; // {windowId, sessionId, events (raw), request seq, distinctId, lib}
  for (const r of snapshotRequests) {
    for (const ce of captureEvents(r.payload)) {
      if (ce.event !== '$snapshot') continue;
      const props = ce.properties || {};
      const data = props.$snapshot_data;
      batches.push({ windowId: props.$window_id, sessionId: props.$session_id, events: Array.isArray(data) ? data : [data], seq: r.seq, distinctId: props.distinct_id, props, timestamp: ce.timestamp });
    }
  }
  const sessionIds = [...new Set(batches.map((b) => b.sessionId))];
  if (sessionIds.length !== 1) throw new Error(`expected one session, got ${json(sessionIds)}`);
  const sessionId = sessionIds[0];
  const distinctId = batches.map((b) => b.distinctId).filter(Boolean).pop();

  const raw = []; // {windowId, event(as sent), order}
  for (const b of batches) for (const ev of b.events) raw.push({ windowId: b.windowId, event: ev, order: raw.length });
  const decoded = raw
    .map((r) => ({ windowId: r.windowId, event: decompressEvent(r.event), order: r.order, wasCompressed: r.event.cv !== undefined }))
    .sort((x, y) => x.event.timestamp - y.event.timestamp || x.order - y.order);

  const windowUuids = [];
  for (const d of decoded) if (!windowUuids.includes(d.windowId)) windowUuids.push(d.windowId);
  const intId = (uuid) => windowUuids.indexOf(uuid) + 1;
  const [winA, winB] = windowUuids;

  // --- facts ---
  const perWindow = windowUuids.map((w) => {
    const evs = decoded.filter((d) => d.windowId === w).map((d) => d.event);
    return {
      windowId: w,
      intId: intId(w),
      eventCount: evs.length,
      firstTimestamp: evs[0].timestamp,
      lastTimestamp: evs[evs.length - 1].timestamp,
      fullSnapshots: evs.filter((e) => e.type === 2).length,
      metaEvents: evs.filter((e) => e.type === 4).length,
      cvCompressedInCapture: raw.filter((r) => r.windowId === w && r.event.cv !== undefined).length,
      firstUrl: (evs.find((e) => e.type === 4) || { data: {} }).data.href,
    };
  });
  const all = decoded.map((d) => d.event);
  const firstTs = all[0].timestamp;
  const lastTs = all[all.length - 1].timestamp;
  const endWindow = decoded[decoded.length - 1].windowId;
  const firstMeta = all.find((e) => e.type === 4);

  const consoleByLevel = {};
  const consoleMessages = [];
  const network = [];
  for (const d of decoded) {
    const e = d.event;
    if (e.type !== 6 || !e.data) continue;
    if (e.data.plugin === 'rrweb/console@1') {
      const lvl = e.data.payload.level;
      consoleByLevel[lvl] = (consoleByLevel[lvl] || 0) + 1;
      consoleMessages.push({ windowId: d.windowId, level: lvl, payload: e.data.payload.payload, timestamp: e.timestamp });
    }
    if (e.data.plugin === 'rrweb/network@1') {
      for (const req of e.data.payload.requests || []) {
        network.push({
          windowId: d.windowId,
          timestamp: e.timestamp,
          method: req.method ?? null,
          url: req.name,
          status: req.status ?? null,
          responseStatus: req.responseStatus ?? null,
          entryType: req.entryType ?? null,
          initiatorType: req.initiatorType ?? null,
          isInitial: !!(e.data.payload.isInitial || req.isInitial),
        });
      }
    }
  }

  const finalTextWanted = {
    [winA]: ['Receipt sent to ada@example.com', 'Thank you, Ada! Order #1042 confirmed.'],
    [winB]: ['Help centre', '3 articles match \u201crefund\u201d'],
  };
  for (const [w, strings] of Object.entries(finalTextWanted)) {
    const texts = domTexts(decoded.filter((d) => d.windowId === w).map((d) => d.event));
    for (const s of strings) {
      if (!texts.some((t) => t.includes(s))) throw new Error(`"${s}" not found in the DOM data of window ${w}`);
    }
  }
  const liveText = { [winA]: scenario.live.a.text, [winB]: scenario.live.b.text };
  for (const [w, strings] of Object.entries(finalTextWanted)) {
    for (const s of strings) if (!liveText[w].includes(s)) throw new Error(`"${s}" was not on screen in window ${w} at the end`);
  }

  // activity as PostHog's player counts it: FullSnapshot, Meta, incremental sources 1-7 and 12
  const isActivity = (e) => e.type === 2 || e.type === 4 || (e.type === 3 && e.data && ((e.data.source >= 1 && e.data.source <= 7) || e.data.source === 12));
  const activityTs = all.filter(isActivity).map((e) => e.timestamp);
  let longestActivityGapMs = 0;
  for (let i = 1; i < activityTs.length; i++) longestActivityGapMs = Math.max(longestActivityGapMs, activityTs[i] - activityTs[i - 1]);
  const windowSequence = [];
  for (const d of decoded) if (windowSequence[windowSequence.length - 1] !== intId(d.windowId)) windowSequence.push(intId(d.windowId));

  // the recording must show what the fixtures are for; fail instead of writing a poor one
  const problems = [];
  if (windowUuids.length < 2) problems.push(`only ${windowUuids.length} window(s)`);
  for (const w of perWindow) {
    if (!w.fullSnapshots) problems.push(`window ${w.intId} has no FullSnapshot`);
    if (!w.metaEvents) problems.push(`window ${w.intId} has no Meta event`);
  }
  for (const lvl of ['log', 'warn', 'error']) if (!consoleByLevel[lvl]) problems.push(`no console ${lvl} plugin event`);
  if (!network.some((n) => n.status === 404 && n.url.endsWith('/api/missing'))) problems.push('no rrweb/network@1 request with status 404');
  if (!network.some((n) => n.method === 'POST' && n.status === 200 && n.url.endsWith('/api/order'))) problems.push('no rrweb/network@1 POST /api/order 200');
  if (!raw.some((r) => r.event.cv === '2024-10')) problems.push('no cv "2024-10" events in the capture');
  if (endWindow !== winA) problems.push('the session does not end in window A');
  if (longestActivityGapMs <= 5000) problems.push(`no inactivity over 5 s (longest gap ${longestActivityGapMs} ms)`);
  if (problems.length) throw new Error(`recording not usable: ${problems.join('; ')}`);

  const person = buildPerson(distinctId, batches[0]);

  // --- exports ---
  const withWindow = (d, id) => ({ ...d.event, windowId: id });
  const snapshotsInt = decoded.map((d) => withWindow(d, intId(d.windowId)));
  const snapshotsUuid = decoded.map((d) => withWindow(d, d.windowId));
  const exportInt = `{"version":"2023-04-28","data":{"id":${json(sessionId)},"person":${json(person)},"snapshots":${json(snapshotsInt)}}}`;
  const exportUuid = `{"version":"2023-04-28","data":{"id":${json(sessionId)},"person":${json(person)},"snapshots":${json(snapshotsUuid)}}}`;
  // PostHog's writer: JSON.stringify(undefined) is undefined, which the template string writes as the bare word
  const exportNoId = `{"version":"2023-04-28","data":{"person":${String(JSON.stringify(undefined))},"snapshots":${json(snapshotsUuid)}}}`;
  const byWindow = {};
  for (const w of windowUuids) byWindow[w] = decoded.filter((d) => d.windowId === w).map((d) => d.event);
  const export2022 = `{"version":"2022-12-02","data":{"person":${json(person)},"snapshotsByWindowId":${json(byWindow)}}}`;

  fs.rmSync(CAPTURE_DIR, { recursive: true, force: true });
  fs.mkdirSync(CAPTURE_DIR, { recursive: true });
  writeFile(EXAMPLE, exportInt);
  writeFile(path.join(FIXTURES, 'export-2023-04-28-int-windows.json'), exportInt);
  writeFile(path.join(FIXTURES, 'export-2023-04-28-uuid-windows.json'), exportUuid);
  writeFile(path.join(FIXTURES, 'export-2023-04-28-no-id-person-undefined.json'), exportNoId);
  writeFile(path.join(FIXTURES, 'export-2022-12-02.json'), export2022);

  // blocks: events as the SDK sent them, capture order
  writeFile(path.join(FIXTURES, 'snapshots-blob_v2.jsonl'), raw.map((r) => json([r.windowId, r.event]) + '\n').join(''));
  writeSnappyFixtures(FIXTURES);
  const lines = raw.map((r) => json({ ...r.event, windowId: r.windowId }));
  lines.splice(Math.min(3, lines.length), 0, '');
  lines.splice(Math.floor(lines.length / 2), 0, '');
  writeFile(path.join(FIXTURES, 'snapshots-windowid-lines.jsonl'), lines.join('\r\n') + '\r\n');
  writeFile(path.join(FIXTURES, 'snapshots-blob_v1.jsonl'), batches.map((b) => json({ window_id: b.windowId, data: b.events }) + '\n').join(''));

  writeFile(path.join(FIXTURES, 'rrweb-events.json'), json(snapshotsUuid));
  writeFile(path.join(FIXTURES, 'rrweb-events-one-window-no-windowid.json'), json(decoded.filter((d) => d.windowId === winA).map((d) => d.event)));

  const index = snapshotRequests.map((r) => {
    const file = `${String(r.seq).padStart(4, '0')}.body`;
    fs.writeFileSync(path.join(CAPTURE_DIR, file), r.body);
    const evs = captureEvents(r.payload);
    return {
      file,
      method: 'POST',
      path: r.path,
      query: r.query,
      contentEncoding: r.headers['content-encoding'] ?? null,
      contentType: r.headers['content-type'] ?? null,
      gzip: isGzip(r.body),
      bytes: r.body.length,
      payloadShape: Array.isArray(r.payload) ? 'array' : r.payload && Array.isArray(r.payload.batch) ? 'batch' : 'object',
      snapshotEvents: evs.filter((e) => e.event === '$snapshot').length,
      rrwebEvents: evs.reduce((n, e) => n + ((e.properties && e.properties.$snapshot_data && e.properties.$snapshot_data.length) || 0), 0),
      windowIds: [...new Set(evs.map((e) => e.properties && e.properties.$window_id))],
    };
  });
  writeFile(path.join(CAPTURE_DIR, 'index.json'), JSON.stringify({ note: 'raw POST /s/ bodies as received from posthog-js, in arrival order', posthogJs: PH_VERSION, requests: index }) + '\n');

  const expected = {
    generatedBy: 'scripts/record-fixture/record.mjs',
    posthogJsVersion: PH_VERSION,
    playwrightCoreVersion: PW_VERSION,
    userAgent: scenario.userAgent,
    baseUrl,
    sessionId,
    distinctId,
    windowIds: windowUuids,
    windowIntIds: Object.fromEntries(windowUuids.map((w) => [w, intId(w)])),
    endWindowId: endWindow,
    endWindowIntId: intId(endWindow),
    windows: perWindow,
    eventCount: all.length,
    cvCompressedInCapture: raw.filter((r) => r.event.cv !== undefined).length,
    windowSequence,
    longestActivityGapMs,
    snapshotRequests: snapshotRequests.length,
    blobV1Lines: batches.length,
    firstUrl: firstMeta.data.href,
    firstTimestamp: firstTs,
    lastTimestamp: lastTs,
    durationMs: lastTs - firstTs,
    consoleByLevel,
    consoleMessages,
    networkRequests: network,
    finalText: finalTextWanted,
  };
  writeFile(path.join(FIXTURES, 'expected.json'), JSON.stringify(expected) + '\n');
  return expected;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(PH_DIST)) throw new Error('node_modules/posthog-js is missing: run `npm ci` in scripts/record-fixture first');
  const server = await startServer();
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  log(`posthog-js ${PH_VERSION}, playwright-core ${PW_VERSION}, serving on ${baseUrl}`);
  try {
    const scenario = await runScenario(baseUrl);
    log('requests served:');
    for (const l of requestLog) log('  ', l);
    if (process.env.RECORD_DEBUG) {
      const dbg = path.join(os.tmpdir(), 'record-fixture-debug.json');
      fs.writeFileSync(dbg, JSON.stringify({ requestLog, analyticsEvents }, null, 1));
      log('debug dump:', dbg);
    }
    const expected = buildOutputs(baseUrl, scenario);
    log(`session ${expected.sessionId}: ${expected.eventCount} events in ${expected.windowIds.length} windows, ${expected.durationMs} ms, ends in window ${expected.endWindowIntId}`);
    log(`${expected.snapshotRequests} /s/ requests, ${expected.cvCompressedInCapture} cv-compressed events`);
    log('console by level', json(expected.consoleByLevel));
    log('wrote', path.relative(REPO, EXAMPLE), 'and', path.relative(REPO, FIXTURES));
  } finally {
    server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
