// Compares, in headless Chromium, the page replay-html writes for recordings with the floor and
// the naive pages, and with a twin holding 100,000 more inspector rows; then replay-html's page
// in each engine; then, with --big, the page of a very long recording. Prints markdown tables.
//
//   node scripts/bench-browser.mjs [--big BIG.json] [EXPORT.json ...]   (or: scripts/bench --browser)
//   (--big alone measures only the big page)
//
// Without a recording it uses scripts/bench's cached 100 MB export and its 90 MB data-heavy one
// (`generate_recording --shape data-heavy`: two windows, snapshots of about 20,000 nodes every
// 90 s, thousands of console lines and requests), generating them if needed. The pages, each
// made in this run, for each recording:
// - replay-html: `replay-html bundle EXPORT`;
// - replay-html, before (only with BENCH_BEFORE=BINARY): the same, bundled by another build of
//   replay-html (say main's, before a change), for a before/after in one run (BENCH_BIN=BINARY
//   bundles the others with a build of one's own instead of the release build; the page is the
//   same whatever the build profile);
// - replay-html, +100,000 rows (first recording only): the same export with 50,000 console
//   messages and 50,000 requests (rrweb/console@1, rrweb/network@1) added to its first window,
//   spread over the session: what the inspector costs;
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
//   `replayHtml.ready` resolves (once the first snapshot is drawn, after the next animation
//   frame). Floor and naive: the first animation frame after the player's iframe has a body
//   with content.
// - seek to end: ms for a seek from the start to the end, and the next animation frame, made
//   as soon as the first frame is drawn (replay-html's page may still be read by the browser
//   then). replay-html: `await replayHtml.goto(replayHtml.duration)`; naive:
//   `player.goto(totalTime)`. Both pages show the same window when the session ends in its
//   busiest window (as generated recordings do). (The floor page cannot seek.)
// - seek, loaded: the same seek once everything is expanded, after a seek back to the start.
// - JS heap: `performance.memory.usedJSHeapSize` (Chromium started with
//   --enable-precise-memory-info and --js-flags=--expose-gc) after a garbage collection, once
//   everything is expanded: replay-html once `replayHtml.loaded` resolves; the others once
//   their first frame is drawn (they hold everything from the start).
// - search: on the +100,000 rows page, ms to filter the console's rows by a text (typing in
//   its search box; the list redrawn), once they are shown.
//
// Chromium is Debian's (CHROMIUM overrides /usr/bin/chromium), started as the tests start it.
//
// A second table gives replay-html's page of the first recording in each engine of
// REPLAY_HTML_ENGINES (default chromium,firefox,webkit), driven by tests/browser/engines.mjs,
// the same median of loads, each in a fresh page. WebKit runs no script before the page's own
// (classic WebDriver): its first frame is read once the page has loaded, so it is an upper
// bound.
//
// --big BIG.json: the page of a very long recording (scripts/bench uses its 1 GB export), once,
// in Chromium: first frame, seek to the end, then played from the start at 16x (inactivity
// skipped, as by default) until it ends or BENCH_PLAY_SECONDS (default 300) pass, and the JS
// heap after a garbage collection at the end, with how far the play got.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
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

/** The replay-html that bundles the pages: BENCH_BIN, else the release build (made first). */
const BINARY = process.env.BENCH_BIN ? resolve(process.env.BENCH_BIN) : join(root, 'target/release/replay-html');
const run = (command, args) => execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

/** Bundles a recording; the bundle must read it without a warning (but the personal-data one). */
function bundle(input, output, binary = BINARY) {
  const result = spawnSync(binary, ['bundle', input, '-o', output], { encoding: 'utf8' });
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
  seekLoaded: async () => {
    await window.replayHtml.goto(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await window.replayHtml.goto(window.replayHtml.duration);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - started;
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
  seekLoaded: async () => {
    window.player.goto(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    window.player.goto(window.player.getMetaData().totalTime);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - started;
  },
  expanded: () => undefined,
});
const pages = {
  'replay-html': replayHtmlPage,
  'replay-html, before': replayHtmlPage,
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
    const seekLoaded = pages[name].seek ? await page.evaluate(pages[name].seekLoaded) : NaN;
    const bytes = await page.evaluate(heap);
    const search = pages[name].search ? await page.evaluate(searchRows) : NaN;
    if (errors.length) throw new Error(`${name}: ${errors.join('; ')}`);
    return { firstFrame, seek: seek.ms, seekLoaded, window: seek.window, heap: bytes / 1e6, search };
  } finally {
    await context.close();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const args = process.argv.slice(2);
let big = null;
const bigAt = args.indexOf('--big');
if (bigAt >= 0) [big] = args.splice(bigAt, 2).slice(1).map((file) => resolve(file));
// (With --big alone, only the big page.)
const exportFiles = (args.length || big ? args : [
  run(join(root, 'scripts/bench'), ['--print-input', '100MB', 'export']),
  run(join(root, 'scripts/bench'), ['--print-input', '90MB', 'export', 'data-heavy']),
]).map((file) => resolve(file));
if (!process.env.BENCH_BIN) run('cargo', ['build', '--release', '--quiet', '--bin', 'replay-html']);
const out = join(root, 'target/bench/browser');
mkdirSync(out, { recursive: true });

/** The pages of one recording, made in this run: {name: file}, and what they show. */
function makePages(exportFile, index) {
  const stem = join(out, String(index));
  const files = { 'replay-html': `${stem}-replay-html.html` };
  bundle(exportFile, files['replay-html']);
  if (process.env.BENCH_BEFORE) {
    files['replay-html, before'] = `${stem}-replay-html-before.html`;
    bundle(exportFile, files['replay-html, before'], resolve(process.env.BENCH_BEFORE));
  }
  if (index === 0) {
    files['replay-html, +100,000 rows'] = `${stem}-replay-html-rows.html`;
    const rowsExport = join(out, 'export-100k-rows.json');
    withRows(exportFile, rowsExport);
    bundle(rowsExport, files['replay-html, +100,000 rows']);
  }
  files.floor = `${stem}-floor.html`;
  files['naive rrweb-player'] = `${stem}-naive.html`;
  const windows = windowsOf(exportFile);
  const [busiest, busiestEvents] = [...windows].reduce((a, b) => (b[1].length > a[1].length ? b : a));
  const [opened, openedEvents] = [...windows].reduce((a, b) => (b[1][0].timestamp < a[1][0].timestamp ? b : a));
  writeFileSync(files['naive rrweb-player'], naivePage(busiestEvents));
  writeFileSync(files.floor, floorPage(openedEvents, statSync(files['replay-html']).size));
  for (const file of Object.values(files)) readFileSync(file); // all into the page cache alike
  return { exportFile, files, windows, busiest, opened };
}

const { chromium } = playwright();
const number = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

if (exportFiles.length > 0) {
  const recordings = exportFiles.map(makePages);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const version = browser.version();
  for (const recording of recordings) {
    recording.results = Object.fromEntries(Object.keys(recording.files).map((name) => [name, []]));
  }
  try {
    for (let load = 0; load < LOADS; load++) {
      for (const { files, results } of recordings) {
        for (const name of Object.keys(files)) results[name].push(await measure(browser, name, files[name]));
      }
    }
  } finally {
    await browser.close();
  }

  console.log(`bench-browser: Chromium ${version}; viewport ${VIEWPORT.width}x${VIEWPORT.height}; median of ${LOADS} loads; load average at the end ${load()}`);
  console.log('');
  console.log('| recording | page | page MB | window shown | its events | first frame ms | × floor | × naive | seek to end ms | × naive | seek, loaded ms | × naive | JS heap MB, all expanded |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const recording of recordings) {
    const { exportFile, files, results, windows } = recording;
    const keys = ['firstFrame', 'seek', 'seekLoaded', 'heap', 'search'];
    const figures = Object.fromEntries(Object.keys(files).map((name) => [name,
      Object.fromEntries(keys.map((key) => [key, median(results[name].map((r) => r[key]))]))]));
    recording.figures = figures;
    // The export numbers windows; the page names them as text.
    const shown = {
      floor: recording.opened,
      'naive rrweb-player': recording.busiest,
    };
    for (const name of Object.keys(files)) if (!(name in shown)) shown[name] = Number(results[name][0].window);
    const { floor, 'naive rrweb-player': naive } = figures;
    const label = `${basename(exportFile)} (${(statSync(exportFile).size / 1e6).toFixed(0)} MB)`;
    for (const name of Object.keys(files)) {
      const { firstFrame, seek, seekLoaded, heap: mb } = figures[name];
      const pageMb = (statSync(files[name]).size / 1e6).toFixed(1);
      const events = windows.get(String(shown[name]))?.length ?? windows.get(shown[name])?.length ?? '?';
      console.log(`| ${label} | ${name} | ${pageMb} | ${shown[name]} | ${events} | ${number(firstFrame)} | ${number(firstFrame / floor.firstFrame, 2)} | ${number(firstFrame / naive.firstFrame, 2)} | ${number(seek)} | ${number(seek / naive.seek, 2)} | ${number(seekLoaded)} | ${number(seekLoaded / naive.seekLoaded, 2)} | ${number(mb)} |`);
    }
  }
  const first = recordings[0].figures;
  const rows = first['replay-html, +100,000 rows'];
  const plain = first['replay-html'];
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
        await page.goto(pathToFileURL(recordings[0].files['replay-html']).href);
        const firstFrame = await page.evaluate(() => window.__firstFrame);
        const seek = await page.evaluate(replayHtmlPage.seek);
        await page.close();
        if (page.problems.pageErrors.length) throw new Error(`${engine}: ${page.problems.pageErrors.join('; ')}`);
        loads.push({ firstFrame, seek: seek.ms });
      }
    } finally {
      await browser.close();
    }
    const firstFrame = median(loads.map((l) => l.firstFrame));
    const seek = median(loads.map((l) => l.seek));
    const bound = engine === 'webkit' ? '≤ ' : '';
    perEngine.push(`| ${engine} ${browser.version} | ${bound}${firstFrame.toFixed(0)} | ${seek.toFixed(0)} | ${(firstFrame / plain.firstFrame).toFixed(2)} / ${(seek / plain.seek).toFixed(2)} |`);
  }
  console.log('');
  console.log(`replay-html's page of ${basename(recordings[0].exportFile)} in each engine (median of ${LOADS} loads):`);
  console.log('');
  console.log('| replay-html in | first frame ms | seek to end ms | / Chromium above (first frame / seek) |');
  console.log('|---|---:|---:|---:|');
  for (const row of perEngine) console.log(row);
}

if (big) {
  const file = join(out, 'big-replay-html.html');
  bundle(big, file);
  const seconds = Number(process.env.BENCH_PLAY_SECONDS || 300);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  let figures;
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    let crashed = false;
    page.on('crash', () => { crashed = true; });
    await page.addInitScript(watchReplayHtmlReady);
    await page.goto(pathToFileURL(file).href, { timeout: TIMEOUT_MS, waitUntil: 'commit' });
    const firstFrame = await page.evaluate(() => window.__firstFrame);
    const seek = await page.evaluate(replayHtmlPage.seek);
    const play = await page.evaluate(async (budget) => {
      const api = window.replayHtml;
      await api.goto(0);
      api.setSpeed(16);
      const started = performance.now();
      await api.play();
      while (api.playing && performance.now() - started < budget * 1000) await new Promise((r) => setTimeout(r, 1000));
      const reached = api.currentTime;
      api.pause();
      return { reached, duration: api.duration, ms: performance.now() - started };
    }, seconds);
    const bytes = await page.evaluate(heap);
    if (crashed) throw new Error('the tab crashed');
    if (errors.length) throw new Error(`big page: ${errors.join('; ')}`);
    figures = { firstFrame, seek: seek.ms, ...play, heap: bytes / 1e6 };
    await context.close();
  } finally {
    await browser.close();
  }
  const hours = (ms) => (ms / 3_600_000).toFixed(2);
  console.log('');
  console.log(`The page of ${basename(big)} (${(statSync(big).size / 1e6).toFixed(0)} MB; page ${(statSync(file).size / 1e6).toFixed(0)} MB), once, in Chromium; load average at the end ${load()}:`);
  console.log('');
  console.log('| first frame ms | seek to end ms | played at 16x | for s | reached, of the session | JS heap MB at the end |');
  console.log('|---:|---:|---|---:|---:|---:|');
  console.log(`| ${number(figures.firstFrame)} | ${number(figures.seek)} | ${figures.reached >= figures.duration ? 'to the end' : 'stopped at the time limit'} | ${number(figures.ms / 1000)} | ${hours(figures.reached)} h of ${hours(figures.duration)} h | ${number(figures.heap)} |`);
}
