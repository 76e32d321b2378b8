// Compares, in headless Chromium, the page replay-html writes for a recording with the naive
// page rrweb's own tools make: the vendored player with the events inlined as a JSON literal.
// Prints one markdown table.
//
//   node scripts/bench-browser.mjs [EXPORT.json]     (or: scripts/bench --browser)
//
// Without an argument it uses the cached 100 MB export of scripts/bench (generating it if
// needed). The naive page holds the events of the recording's busiest window (the one with
// the most events), as
//   const events = [...]; new rrwebPlayer.Player({target: document.body,
//     props: {events, showController: false, width: 1024, height: 576}})
// with the same player script and stylesheet inlined.
//
// For each page, the median of 3 loads, each in a fresh browser context (no cache, no
// storage), the two pages taking turns, at the same viewport:
// - first frame: ms from navigation start until the first frame is drawn. replay-html: when
//   `replayHtml.ready` resolves (it resolves after the next animation frame). Naive: the first
//   animation frame after the player's iframe has a body with content.
// - seek to end: ms for a seek from the start to the end, and the next animation frame.
//   replay-html: `await replayHtml.goto(replayHtml.duration)`; naive: `player.goto(totalTime)`.
// Both pages show the same window when the session ends in its busiest window (as generated
// recordings do); the table says which window each shows.
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
];

const run = (command, args) => execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

/** Bundles a recording; the bundle must read it without a warning. */
function bundle(input, output) {
  const result = spawnSync(join(root, 'target/release/replay-html'), ['bundle', input, '-o', output], { encoding: 'utf8' });
  if (result.status !== 0 || result.stderr.includes('warning:')) {
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

const pages = {
  'replay-html': {
    watch: watchReplayHtmlReady,
    seek: async () => {
      const started = performance.now();
      await window.replayHtml.goto(window.replayHtml.duration);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return { ms: performance.now() - started, window: window.replayHtml.currentWindow };
    },
  },
  'naive rrweb-player': {
    watch: watchNaiveFirstFrame,
    seek: async () => {
      const started = performance.now();
      window.player.goto(window.player.getMetaData().totalTime);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return { ms: performance.now() - started };
    },
  },
};

/** One load of a page in a fresh context: first frame and seek times. */
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
    const seek = await page.evaluate(pages[name].seek);
    if (errors.length) throw new Error(`${name}: ${errors.join('; ')}`);
    return { firstFrame, seek: seek.ms, window: seek.window };
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
const files = { 'replay-html': join(out, 'replay-html.html'), 'naive rrweb-player': join(out, 'naive.html') };
bundle(exportFile, files['replay-html']);
const windows = windowsOf(exportFile);
const [busiest, busiestEvents] = [...windows].reduce((a, b) => (b[1].length > a[1].length ? b : a));
writeFileSync(files['naive rrweb-player'], naivePage(busiestEvents));
for (const file of Object.values(files)) readFileSync(file); // both into the page cache alike

const { chromium } = playwright();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
const version = browser.version();
const results = { 'replay-html': [], 'naive rrweb-player': [] };
try {
  for (let load = 0; load < LOADS; load++) {
    for (const name of Object.keys(pages)) results[name].push(await measure(browser, name, files[name]));
  }
} finally {
  await browser.close();
}

// The export numbers windows; the page names them as text.
const shown = { 'replay-html': Number(results['replay-html'][0].window), 'naive rrweb-player': busiest };
const summary = (name) => ({
  firstFrame: median(results[name].map((r) => r.firstFrame)),
  seek: median(results[name].map((r) => r.seek)),
});
const ours = summary('replay-html');
const naive = summary('naive rrweb-player');
const line = (name, { firstFrame, seek }) => {
  const mb = (statSync(files[name]).size / 1e6).toFixed(1);
  const events = windows.get(shown[name])?.length ?? '?';
  return `| ${name} | ${mb} | ${shown[name]} | ${events} | ${firstFrame.toFixed(0)} | ${seek.toFixed(0)} |`;
};
console.log(`bench-browser: ${exportFile} (${(statSync(exportFile).size / 1e6).toFixed(1)} MB); Chromium ${version}; viewport ${VIEWPORT.width}x${VIEWPORT.height}; median of ${LOADS} loads`);
console.log('');
console.log('| page | page MB | window shown | its events | first frame ms | seek to end ms |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(line('replay-html', ours));
console.log(line('naive rrweb-player', naive));
console.log(`| replay-html / naive | | | | ${(ours.firstFrame / naive.firstFrame).toFixed(2)} | ${(ours.seek / naive.seek).toFixed(2)} |`);

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
  perEngine.push(`| ${engine} ${browser.version} | ${bound}${first.toFixed(0)} | ${seek.toFixed(0)} | ${(first / ours.firstFrame).toFixed(2)} / ${(seek / ours.seek).toFixed(2)} |`);
}
console.log('');
console.log('| replay-html in | first frame ms | seek to end ms | / Chromium above (first frame / seek) |');
console.log('|---|---:|---:|---:|');
for (const row of perEngine) console.log(row);
