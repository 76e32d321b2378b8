// Opens a replay-html page in a browser engine and reports, as one JSON object on standard
// output, what a viewer would see. The Rust browser tests (tests/browser.rs, tests/safety.rs) run
// it once per engine and assert on the report; run it by hand to look at a page:
//
//   node tests/browser/drive.mjs replay.html [--engine chromium|firefox|webkit] [--screenshot shot.png]
//        [--url-suffix '#t=5'] [--attack] [--inspector] [--at MS]
//
// Report: { engine, version, ready: {ok, error?, ms}, duration, windows, initialWindow, initialText,
//           atEnd: {windowId: text shown after goto(duration)}, atMoment (with --at MS: the same
//           after goto(MS)), requests: [urls other than the
//           page itself that the page's policy let through], blocked: [urls it stopped],
//           consoleErrors, pageErrors, dialogs, frameUrls, pageUrl,
//           topDocument: {images, inlineHandlers, text, markers, links, inspector?, tips?} (the
//           viewer's own page, not the replay: its text, the markers' labels, its visible links
//           ({text, href, target, rel}), and with --inspector the inspector's text and the
//           markers' tooltips) }
//
// --inspector also opens, before the report is taken, the details of the last request in the
// inspector's network list (when there is one) and hovers every marker for its tooltip, and
// reports the inspector's text and the tooltips.
//
// --attack does, in every window of the replay, what a curious viewer or a hostile recording
// could: clicks every link and button and submits every form inside the replayed page, then
// waits a moment, so the report shows whether anything ran, navigated or was fetched.
//
// The engine (chromium by default) is started by engines.mjs, which says how each is driven and
// how each observes requests and errors (WebKit: after load, and from Resource Timing).
import { launch } from './engines.mjs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const file = args[0];
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
if (!file) {
  console.error('usage: node drive.mjs PAGE.html [--engine NAME] [--screenshot OUT.png] [--url-suffix SUFFIX] [--attack] [--inspector]');
  process.exit(2);
}

const READY_TIMEOUT_MS = 30_000;
const pageUrl = pathToFileURL(resolve(file)).href;
const engine = option('--engine') || 'chromium';
const browser = await launch(engine);

const report = { engine, version: browser.version };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

  const started = Date.now();
  await page.goto(pageUrl + (option('--url-suffix') || ''));
  report.ready = await page.evaluate(
    (timeout) => Promise.race([
      window.replayHtml ? window.replayHtml.ready.then(() => ({ ok: true }), (error) => ({ ok: false, error: error.message }))
        : Promise.resolve({ ok: false, error: 'the page has no replayHtml' }),
      new Promise((resolve) => setTimeout(() => resolve({ ok: false, error: 'timed out' }), timeout)),
    ]),
    READY_TIMEOUT_MS,
  );
  report.ready.ms = Date.now() - started;

  const shownText = () => page.evaluate(() => {
    const doc = document.querySelector('.window-player.is-current iframe')?.contentDocument;
    return doc && doc.body ? doc.body.innerText : null;
  });
  Object.assign(report, await page.evaluate(() => ({
    duration: window.replayHtml.duration,
    windows: window.replayHtml.windows,
    initialWindow: window.replayHtml.currentWindow,
  })));

  if (report.ready.ok) {
    report.initialText = await shownText();
    report.atEnd = {};
    for (const id of report.windows) {
      const shown = await page.evaluate(async (id) => {
        await window.replayHtml.setWindow(id);
        await window.replayHtml.goto(window.replayHtml.duration);
        return window.replayHtml.currentWindow;
      }, id);
      if (shown !== id) throw new Error(`setWindow(${id}) left window ${shown} on screen`);
      report.atEnd[id] = await shownText();
    }
    // --at MS: each window's text at that moment too.
    if (option('--at') !== undefined) {
      report.atMoment = {};
      for (const id of report.windows) {
        await page.evaluate(async ([id, ms]) => {
          await window.replayHtml.setWindow(id);
          await window.replayHtml.goto(ms);
        }, [id, Number(option('--at'))]);
        report.atMoment[id] = await shownText();
      }
    }
    if (args.includes('--attack')) {
      for (const id of report.windows) {
        await page.evaluate(async (id) => {
          await window.replayHtml.setWindow(id);
          const doc = document.querySelector('.window-player.is-current iframe')?.contentDocument;
          if (!doc) return;
          for (const element of doc.querySelectorAll('a, button, input[type=submit], area')) element.click();
          for (const form of doc.querySelectorAll('form')) {
            try { form.requestSubmit(); } catch { /* a sandboxed form may refuse outright */ }
          }
        }, id);
        await page.waitForTimeout(500);
      }
    }
    const screenshot = option('--screenshot');
    if (screenshot) {
      await page.evaluate((id) => window.replayHtml.setWindow(id), report.initialWindow);
      await page.screenshot({ path: screenshot });
    }
  }
  // What the viewer itself shows of the recording: its text and the timeline's markers; with
  // --inspector also the inspector's rows (and, when the recording has a request with details,
  // that request's details) and the tooltip of each marker.
  const inspector = args.includes('--inspector');
  if (report.ready.ok && inspector) {
    await page.evaluate(async () => {
      // The list is virtual: spacers stand before and after the rows it draws.
      const row = [...document.querySelectorAll('#network-rows .row')].pop();
      if (!row) return;
      row.click();
      for (let i = 0; i < 40 && !document.querySelector('#request-detail h4'); i++) await new Promise((r) => setTimeout(r, 25));
    });
  }
  report.topDocument = await page.evaluate((inspector) => {
    const top = {
      images: document.querySelectorAll('img').length,
      inlineHandlers: [...document.querySelectorAll('*')]
        .filter((element) => [...element.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length,
      text: document.body.innerText,
      links: [...document.querySelectorAll('a[href]')].filter((a) => !a.closest('[hidden]'))
        .map((a) => ({ text: a.textContent, href: a.getAttribute('href'), target: a.target, rel: a.rel })),
    };
    if (inspector) top.inspector = document.getElementById('inspector')?.textContent ?? '';
    top.markers = [...document.querySelectorAll('.marker')].map((marker) => marker.getAttribute('aria-label'));
    if (inspector) {
      top.tips = [...document.querySelectorAll('.marker')].map((marker) => {
        marker.dispatchEvent(new PointerEvent('pointerenter'));
        return document.getElementById('timeline-tip')?.textContent ?? '';
      });
    }
    return top;
  }, inspector);
  const url = await page.url();
  report.pageUrl = url === pageUrl ? 'unchanged' : url;
  report.frameUrls = await page.frameUrls();
  const { through, blocked } = await page.requests();
  await page.close();
  Object.assign(report, { requests: through, blocked }, {
    consoleErrors: page.problems.consoleErrors, pageErrors: page.problems.pageErrors, dialogs: page.problems.dialogs,
  });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
