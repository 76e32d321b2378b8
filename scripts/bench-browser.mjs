// Compares, in headless Chromium, the page replay-html writes for a recording with the floor
// and the naive pages, and with its twin holding 100,000 more inspector rows. Prints one
// markdown table.
//
//   node scripts/bench-browser.mjs [EXPORT.json]     (or: scripts/bench --browser)
//
// Without an argument it uses the cached 100 MB export of scripts/bench (generating it if
// needed). The pages, each made in this run:
// - replay-html: `replay-html bundle EXPORT`;
// - replay-html, +100,000 rows: the same export with 50,000 console messages and 50,000
//   requests (rrweb/console@1, rrweb/network@1) added to its first window, spread over the
//   session: what the inspector costs;
// - floor: a page of the same size as replay-html's in which the vendored player is given only
//   the Meta event and first full snapshot of the window replay-html opens on, and the rest of
//   the bytes follow the player as inert text: no page that shows that frame can do much
//   better;
// - naive: the vendored player with the events of the recording's busiest window (the one with
//   the most events) inlined as a JSON literal, as rrweb's own tools make it:
//     const events = [...]; new rrwebPlayer.Player({target: document.body,
//       props: {events, showController: false, width: 1024, height: 576}})
// with the same player script and stylesheet inlined.
//
// For each page, the median of 3 loads, each in a fresh browser context (no cache, no
// storage), the pages taking turns, at the same viewport:
// - first frame: ms from navigation start until the first frame is drawn. replay-html: when
//   `replayHtml.ready` resolves (it resolves after the next animation frame). Floor and naive:
//   the first animation frame after the player's iframe has a body with content.
// - seek to end: ms for a seek from the start to the end, and the next animation frame, made
//   as soon as the first frame is drawn. replay-html: `await replayHtml.goto(replayHtml.duration)`;
//   naive: `player.goto(totalTime)`. Both pages show the same window when the session ends in
//   its busiest window (as generated recordings do). (The floor page cannot seek.)
// - JS heap: `performance.memory.usedJSHeapSize` (Chromium started with
//   --enable-precise-memory-info and --js-flags=--expose-gc) after a garbage collection, once
//   everything is expanded: replay-html once `replayHtml.loaded` resolves; the others once
//   their first frame is drawn (they hold everything from the start).
// - search: on the +100,000 rows page, ms to filter the console's rows by a text (typing in
//   its search box; the list redrawn), once they are shown.
//
// Chromium is Debian's (CHROMIUM overrides /usr/bin/chromium), started as the tests start it.
//
// A second table gives replay-html's page in each engine of REPLAY_HTML_ENGINES (default
// chromium,firefox,webkit), driven by tests/browser/engines.mjs, the same median of loads,
// each in a fresh page. WebKit runs no script before the page's own (classic WebDriver): its
// first frame is read once the page has loaded, so it is an upper bound.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LOADS = 3;
const TIMEOUT_MS = 300_000;
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
  '--enable-precise-memory-info', '--js-flags=--expose-gc',
];

const run = (command, args) => execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

/** Bundles a recording; the bundle must read it without a warning (but the personal-data one). */
function bundle(input, output) {
  const result = spawnSync(join(root, 'target/release/replay-html'), ['bundle', input, '-o', output], { encoding: 'utf8' });
  // (Generated recordings hold made-up email addresses: the personal-data warning is expected.)
  const warnings = result.stderr.split('\n').filter((line) => line.includes('warning:') && !line.includes('personal data'));
  if (result.status !== 0 || warnings.length > 0) {
    throw new Error(`replay-html bundle ${input}: ${result.stderr.trim()}`);
  }
}

function playwright() {
  const modules = join(root, 'tests/browser');
  try {
    return createRequire(join(modules, 'package.json'))('playwright-core');
  } catch {
    console.error('bench-browser: installing playwright-core in tests/browser');
    run('npm', ['ci', '--prefix', modules, '--no-fund', '--no-audit', '--loglevel=error']);
    return createRequire(join(modules, 'package.json'))('playwright-core');
  }
}

/** The recording's events, grouped by window, in time order. */
function windowsOf(exportFile) {
  const snapshots = JSON.parse(readFileSync(exportFile, 'utf8')).data.snapshots;
  const windows = new Map();
  for (const { windowId, ...event } of snapshots) {
    if (!windows.has(windowId)) windows.set(windowId, []);
    windows.get(windowId).push(event);
  }
  for (const events of windows.values()) events.sort((a, b) => a.timestamp - b.timestamp);
  return windows;
}

/** The naive page: player and events inlined, events as a JSON literal. */
function naivePage(events) {
  const player = readFileSync(join(root, 'vendor-player/rrweb-player.min.js'), 'utf8');
  const css = readFileSync(join(root, 'vendor-player/rrweb-player.css'), 'utf8');
  // `<` only occurs inside JSON strings, where `\u003c` means the same: no `</script>` inside.
  const literal = JSON.stringify(events).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>naive rrweb-player page</title><style>${css}</style></head>
<body>
<script>${player}</script>
<script>
const events = ${literal};
const Player = rrwebPlayer.Player || rrwebPlayer.default || rrwebPlayer;
window.player = new Player({ target: document.body, props: { events, showController: false, width: 1024, height: 576 } });
</script>
</body></html>
`;
}

/** The floor page: the player given only a window's Meta event and first full snapshot, then
 *  inert text up to `size` bytes. */
function floorPage(events, size) {
  const snapshot = events.findIndex((event) => event.type === 2);
  const meta = events.slice(0, snapshot).reverse().find((event) => event.type === 4);
  const page = naivePage([meta, events[snapshot]].filter(Boolean));
  const at = page.lastIndexOf('</body>');
  const fill = Math.max(0, size - Buffer.byteLength(page) - 60);
  return `${page.slice(0, at)}<script type="text/x-inert">${'x'.repeat(fill)}</script>\n${page.slice(at)}`;
}

/** The export with 50,000 console messages and 50,000 requests more in its first window. */
function withRows(exportFile, out) {
  const json = JSON.parse(readFileSync(exportFile, 'utf8'));
  const snapshots = json.data.snapshots;
  const first = snapshots.reduce((a, b) => (b.timestamp < a.timestamp ? b : a));
  const start = first.timestamp;
  const end = snapshots.reduce((a, b) => Math.max(a, b.timestamp), 0);
  const added = 100_000;
  for (let i = 0; i < added; i++) {
    const timestamp = Math.round(start + 1 + ((end - start - 2) * i) / added);
    const data = i % 2 === 0
      ? { plugin: 'rrweb/console@1', payload: { level: i % 1000 === 0 ? 'warn' : 'log', payload: [`"bench message ${i}"`], trace: [] } }
      : { plugin: 'rrweb/network@1', payload: { requests: [{ name: `https://api.example.test/items/${i}?page=${i % 97}`, method: 'GET', initiatorType: 'fetch', responseStatus: 200, timestamp, duration: 40 + (i % 300), transferSize: 1000 + i % 5000 }] } };
    snapshots.push({ type: 6, data, timestamp, windowId: first.windowId });
  }
  writeFileSync(out, JSON.stringify(json));
}

/** Runs before the naive page's own scripts: notes the first frame with content. */
function watchNaiveFirstFrame() {
  window.__firstFrame = new Promise((resolve) => {
    const check = () => {
      const doc = document.querySelector('.replayer-wrapper iframe')?.contentDocument;
      if (doc?.body?.childElementCount > 0) requestAnimationFrame(() => resolve(performance.now()));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

/** Runs before replay-html's page scripts: notes when `replayHtml.ready` resolves. */
function watchReplayHtmlReady() {
  window.__firstFrame = new Promise((resolve, reject) => {
    const attach = () => {
      if (window.replayHtml) window.replayHtml.ready.then(() => resolve(performance.now()), reject);
      else setTimeout(attach, 0);
    };
    attach();
  });
}

/** In a page: the JS heap, in bytes, after a garbage collection. */
async function heap() {
  window.gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  window.gc();
  return performance.memory.usedJSHeapSize;
}

const replayHtmlPage = {
  watch: watchReplayHtmlReady,
  seek: async () => {
    const started = performance.now();
    await window.replayHtml.goto(window.replayHtml.duration);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return { ms: performance.now() - started, window: window.replayHtml.currentWindow };
  },
  expanded: () => window.replayHtml.loaded,
};
const playerPage = (seeks) => ({
  watch: watchNaiveFirstFrame,
  seek: seeks
    ? async () => {
      const started = performance.now();
      window.player.goto(window.player.getMetaData().totalTime);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return { ms: performance.now() - started };
    }
    : null,
  expanded: () => undefined,
});
const pages = {
  'replay-html': replayHtmlPage,
  'replay-html, +100,000 rows': { ...replayHtmlPage, search: true },
  floor: playerPage(false),
  'naive rrweb-player': playerPage(true),
};

/** In the page with 100,000 rows more: ms to filter the console by a text once it is shown. */
async function searchRows() {
  const count = document.getElementById('count-console');
  while (Number(count.textContent) < 50_000) await new Promise((resolve) => setTimeout(resolve, 50));
  const field = document.getElementById('console-search');
  const started = performance.now();
  field.value = 'bench message 77770';
  field.dispatchEvent(new Event('input'));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const ms = performance.now() - started;
  const found = document.querySelectorAll('#console-rows .row').length;
  if (found !== 1) throw new Error(`the search shows ${found} rows, not 1`);
  return ms;
}

/** One load of a page in a fresh context: first frame, seek, heap (and search) figures. */
async function measure(browser, name, file) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.addInitScript(pages[name].watch);
    await page.goto(pathToFileURL(file).href, { timeout: TIMEOUT_MS, waitUntil: 'commit' });
    const firstFrame = await page.evaluate(() => window.__firstFrame);
    const seek = pages[name].seek ? await page.evaluate(pages[name].seek) : { ms: NaN };
    await page.evaluate(pages[name].expanded);
    const bytes = await page.evaluate(heap);
    const search = pages[name].search ? await page.evaluate(searchRows) : NaN;
    if (errors.length) throw new Error(`${name}: ${errors.join('; ')}`);
    return { firstFrame, seek: seek.ms, window: seek.window, heap: bytes / 1e6, search };
  } finally {
    await context.close();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const exportFile = resolve(process.argv[2] || run(join(root, 'scripts/bench'), ['--print-input', '100MB', 'export']));
run('cargo', ['build', '--release', '--quiet', '--bin', 'replay-html']);
const out = join(root, 'target/bench/browser');
mkdirSync(out, { recursive: true });
const files = {
  'replay-html': join(out, 'replay-html.html'),
  'replay-html, +100,000 rows': join(out, 'replay-html-rows.html'),
  floor: join(out, 'floor.html'),
  'naive rrweb-player': join(out, 'naive.html'),
};
bundle(exportFile, files['replay-html']);
const rowsExport = join(out, 'export-100k-rows.json');
withRows(exportFile, rowsExport);
bundle(rowsExport, files['replay-html, +100,000 rows']);
const windows = windowsOf(exportFile);
const [busiest, busiestEvents] = [...windows].reduce((a, b) => (b[1].length > a[1].length ? b : a));
const [opened, openedEvents] = [...windows].reduce((a, b) => (b[1][0].timestamp < a[1][0].timestamp ? b : a));
writeFileSync(files['naive rrweb-player'], naivePage(busiestEvents));
writeFileSync(files.floor, floorPage(openedEvents, statSync(files['replay-html']).size));
for (const file of Object.values(files)) readFileSync(file); // all into the page cache alike

const { chromium } = playwright();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
const version = browser.version();
const results = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
try {
  for (let load = 0; load < LOADS; load++) {
    for (const name of Object.keys(pages)) results[name].push(await measure(browser, name, files[name]));
  }
} finally {
  await browser.close();
}

// The export numbers windows; the page names them as text.
const shown = {
  'replay-html': Number(results['replay-html'][0].window),
  'replay-html, +100,000 rows': Number(results['replay-html, +100,000 rows'][0].window),
  floor: opened,
  'naive rrweb-player': busiest,
};
const summary = (name) => Object.fromEntries(['firstFrame', 'seek', 'heap', 'search']
  .map((key) => [key, median(results[name].map((r) => r[key]))]));
const figures = Object.fromEntries(Object.keys(pages).map((name) => [name, summary(name)]));
const floor = figures.floor;
const naive = figures['naive rrweb-player'];
const plain = figures['replay-html'];
const number = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const line = (name) => {
  const { firstFrame, seek, heap: mb } = figures[name];
  const pageMb = (statSync(files[name]).size / 1e6).toFixed(1);
  const events = windows.get(String(shown[name]))?.length ?? windows.get(shown[name])?.length ?? '?';
  return `| ${name} | ${pageMb} | ${shown[name]} | ${events} | ${number(firstFrame)} | ${number(firstFrame / floor.firstFrame, 2)} | ${number(firstFrame / naive.firstFrame, 2)} | ${number(seek)} | ${number(seek / naive.seek, 2)} | ${number(mb)} |`;
};
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`bench-browser: ${exportFile} (${(statSync(exportFile).size / 1e6).toFixed(1)} MB); Chromium ${version}; viewport ${VIEWPORT.width}x${VIEWPORT.height}; median of ${LOADS} loads; load average at the end ${load}`);
console.log('');
console.log('| page | page MB | window shown | its events | first frame ms | × floor | × naive | seek to end ms | × naive | JS heap MB, all expanded |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const name of Object.keys(pages)) console.log(line(name));
const rows = figures['replay-html, +100,000 rows'];
console.log('');
console.log(`With 100,000 rows more, the first frame takes ${number(rows.firstFrame / plain.firstFrame, 2)} times as long; searching the console's 50,000 messages takes ${number(rows.search)} ms.`);

// replay-html's page in each engine, beside Chromium's.
const engines = await import(pathToFileURL(join(root, 'tests/browser/engines.mjs')).href);
const perEngine = [];
for (const engine of engines.selectedEngines()) {
  const why = engines.missing(engine);
  if (why) {
    perEngine.push(`| ${engine} | not run: ${why} | | |`);
    continue;
  }
  const browser = await engines.launch(engine);
  const loads = [];
  try {
    for (let load = 0; load < LOADS; load++) {
      const page = await browser.newPage({ viewport: VIEWPORT, init: watchReplayHtmlReady, early: false });
      await page.goto(pathToFileURL(files['replay-html']).href);
      const firstFrame = await page.evaluate(() => window.__firstFrame);
      const seek = await page.evaluate(pages['replay-html'].seek);
      await page.close();
      if (page.problems.pageErrors.length) throw new Error(`${engine}: ${page.problems.pageErrors.join('; ')}`);
      loads.push({ firstFrame, seek: seek.ms });
    }
  } finally {
    await browser.close();
  }
  const first = median(loads.map((l) => l.firstFrame));
  const seek = median(loads.map((l) => l.seek));
  const bound = engine === 'webkit' ? '≤ ' : '';
  perEngine.push(`| ${engine} ${browser.version} | ${bound}${first.toFixed(0)} | ${seek.toFixed(0)} | ${(first / plain.firstFrame).toFixed(2)} / ${(seek / plain.seek).toFixed(2)} |`);
}
console.log('');
console.log('| replay-html in | first frame ms | seek to end ms | / Chromium above (first frame / seek) |');
console.log('|---|---:|---:|---:|');
for (const row of perEngine) console.log(row);
