// Opens a replay-html page of a (large) mobile recording in headless Chromium and prints, as
// one JSON line, how long the first frame and seeks take: median of 3 fresh loads.
//
//   node scripts/bench-mobile.mjs PAGE.html        (scripts/bench-mobile runs it)
//
// - firstFrameMs: from navigation start until `replayHtml.ready` resolves (the first frame is
//   drawn, and every screenshot in it decoded).
// - seekMs: for seeks to 25%, 50%, 90%, the end and 10% of the session, made one after the
//   other once the browser has read the page to its end, the time for `await
//   replayHtml.goto(t)` and the next animation frame, with the screenshot on screen decoded;
//   the largest of them.
// - seekWhileReadingMs: the same seeks made as soon as the first frame is drawn, while the
//   browser is still reading the page (a moment whose data is not read yet waits for it).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const file = process.argv[2];
const LOADS = 3;

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const firstFrames = [];
const seeks = [];
const seeksWhileReading = [];
try {
  for (let load = 0; load < LOADS; load++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const started = Date.now();
    // Not to the load event: the first frame is drawn while the browser still reads the page.
    await page.goto(pathToFileURL(resolve(file)).href, { timeout: 300_000, waitUntil: 'commit' });
    await page.waitForFunction(() => window.replayHtml, null, { timeout: 300_000, polling: 10 });
    await page.evaluate(() => window.replayHtml.ready.then(() => {
      const iframe = document.querySelector('.window-player.is-current iframe');
      return Promise.all([...iframe.contentDocument.images].map((img) => img.decode().catch(() => null)));
    }));
    firstFrames.push(Date.now() - started);
    const seekAll = () => page.evaluate(async () => {
      const out = [];
      for (const share of [0.25, 0.5, 0.9, 1, 0.1]) {
        const begun = performance.now();
        await window.replayHtml.goto(window.replayHtml.duration * share);
        const iframe = document.querySelector('.window-player.is-current iframe');
        await Promise.all([...iframe.contentDocument.images].map((img) => img.decode().catch(() => null)));
        await new Promise((done) => requestAnimationFrame(() => done()));
        out.push(performance.now() - begun);
      }
      return out;
    });
    seeksWhileReading.push(Math.max(...(await seekAll())));
    // The browser reads a page of this size for seconds: a moment whose data it has not
    // read yet waits for it. Once it has read the page to its end, every seek again.
    await page.waitForFunction(() => document.getElementById('replay-end'), null, { timeout: 300_000, polling: 100 });
    seeks.push(Math.max(...(await seekAll())));
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ firstFrameMs: median(firstFrames), seekMs: Math.round(median(seeks)), seekWhileReadingMs: Math.round(median(seeksWhileReading)), firstFrames, seeks: seeks.map(Math.round), seeksWhileReading: seeksWhileReading.map(Math.round) }));
