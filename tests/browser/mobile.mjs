// Opens a replay-html page of a mobile recording in headless Chromium and reports, as one JSON
// object on standard output, what the replayed app screen shows at given moments. The Rust
// browser tests (tests/mobile_browser.rs) run it and assert on the report; run it by hand to
// look at a page:
//
//   node tests/browser/mobile.mjs replay.html [--engine NAME] [--at MS]... [--window ID] [--screenshot shot.png]
//
// Report: { ready: {ok, error?}, duration, windows, pageErrors, consoleErrors,
//           frames: [{at, window, width, height, mobile (the player is drawn as a phone),
//                     boxes: [{id (wireframe id), type, text, left, top, width, height,
//                              background, color, borderRadius, placeholder (its label or null)}],
//                     inputs: [{wireframe, tag, type, value, checked, disabled, options, selected}],
//                     images: [{wireframe, kind, complete, naturalWidth, naturalHeight}],
//                     toggles: [{wireframe, checked}], stars: [{wireframe, on, all}],
//                     progress: [{wireframe, kind, value}],
//                     keyboard: {height} or null, clock: text or null, navigation: text or null,
//                     touch: {left, top, active} or null}] }
// Moments are in ms of session time; each is reached with replayHtml.goto.
import { launch } from './engines.mjs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const file = args[0];
if (!file) {
  console.error('usage: node mobile.mjs PAGE.html [--engine NAME] [--at MS]... [--window ID] [--screenshot OUT.png]');
  process.exit(2);
}
const moments = [];
let pinned = null;
let screenshot = null;
let engine = 'chromium';
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--at') moments.push(Number(args[++i]));
  else if (args[i] === '--window') pinned = args[++i];
  else if (args[i] === '--screenshot') screenshot = args[++i];
  else if (args[i] === '--engine') engine = args[++i];
}

// The engine is started by engines.mjs (#17's driver layer), as for every browser test.
const browser = await launch(engine);
const report = { engine, frames: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pathToFileURL(resolve(file)).href);
  report.ready = await page.evaluate(() => Promise.race([
    window.replayHtml.ready.then(() => ({ ok: true }), (error) => ({ ok: false, error: error.message })),
    new Promise((done) => setTimeout(() => done({ ok: false, error: 'timed out' }), 30000)),
  ]));
  report.duration = await page.evaluate(() => window.replayHtml.duration);
  report.windows = await page.evaluate(() => window.replayHtml.windows);
  if (pinned !== null) await page.evaluate((id) => window.replayHtml.setWindow(id), pinned);
  for (const at of moments) {
    await page.evaluate((t) => window.replayHtml.goto(t), at);
    // Images decode asynchronously: wait for every one in the frame.
    await page.evaluate(() => {
      const player = document.querySelector('.window-player.is-current');
      const doc = player && player.querySelector('iframe') && player.querySelector('iframe').contentDocument;
      if (!doc) return null;
      return Promise.all([...doc.images].map((img) => img.decode().catch(() => null))).then(() => null);
    });
    report.frames.push(await page.evaluate(readFrame, at));
  }
  if (screenshot) await page.screenshot({ path: screenshot });
  report.pageErrors = page.problems.pageErrors;
  report.consoleErrors = page.problems.consoleErrors;
} catch (error) {
  report.error = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));

/** What the current player's replayed screen shows (runs in the page). */
function readFrame(at) {
  const player = document.querySelector('.window-player.is-current');
  const iframe = player && player.querySelector('iframe');
  const doc = iframe && iframe.contentDocument;
  const frame = { at, window: window.replayHtml.currentWindow, mobile: Boolean(player && player.classList.contains('is-mobile')) };
  if (!doc || !doc.body) return frame;
  frame.width = iframe.clientWidth;
  frame.height = iframe.clientHeight;
  const wireframeOf = (element) => {
    const box = element.closest('[data-wireframe-id]');
    return box ? box.getAttribute('data-wireframe-id') : null;
  };
  const view = doc.defaultView;
  frame.boxes = [...doc.querySelectorAll('[data-wireframe-id]')].map((box) => {
    const style = view.getComputedStyle(box);
    const own = [...box.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('');
    return {
      id: box.getAttribute('data-wireframe-id'),
      type: [...box.classList].find((c) => c.startsWith('wf-') && c !== 'wf-placeholder' && c !== 'wf-text' && c !== 'wf-bar' && c !== 'wf-nav')?.slice(3) || null,
      text: own || null,
      left: parseFloat(style.left), top: parseFloat(style.top), width: parseFloat(style.width), height: parseFloat(style.height),
      background: style.backgroundColor, color: style.color, borderRadius: style.borderTopLeftRadius,
      backgroundImage: style.backgroundImage !== 'none',
      placeholder: box.classList.contains('wf-placeholder') ? box.textContent : null,
    };
  });
  frame.inputs = [...doc.querySelectorAll('input, textarea, select, button')].map((input) => ({
    wireframe: wireframeOf(input),
    tag: input.tagName.toLowerCase(),
    type: input.getAttribute('type'),
    value: input.tagName === 'BUTTON' ? input.textContent : input.value,
    checked: Boolean(input.checked),
    disabled: Boolean(input.disabled),
    label: input.closest('label') ? input.closest('label').textContent : null,
    options: input.tagName === 'SELECT' ? [...input.options].map((o) => o.textContent) : null,
  }));
  frame.images = [...doc.images].map((img) => ({
    wireframe: wireframeOf(img), kind: img.getAttribute('data-wireframe-image'), complete: img.complete,
    naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, alt: img.alt,
  }));
  frame.toggles = [...doc.querySelectorAll('.wf-switch')].map((t) => ({ wireframe: wireframeOf(t), checked: t.getAttribute('data-checked') === 'true', label: t.closest('label').textContent }));
  frame.stars = [...doc.querySelectorAll('.wf-stars')].map((s) => ({ wireframe: wireframeOf(s), on: s.querySelectorAll('.wf-star-on').length, all: s.children.length }));
  frame.progress = [
    ...[...doc.querySelectorAll('progress')].map((p) => ({ wireframe: wireframeOf(p), kind: 'horizontal', value: p.hasAttribute('value') ? p.value : null })),
    ...[...doc.querySelectorAll('.wf-ring')].map((r) => ({ wireframe: wireframeOf(r), kind: r.classList.contains('wf-spinner') ? 'spinner' : 'circular', value: r.getAttribute('aria-valuenow') })),
  ];
  const keyboard = doc.querySelector('.wf-keyboard');
  frame.keyboard = keyboard ? { height: keyboard.getBoundingClientRect().height, text: keyboard.textContent } : null;
  const clock = doc.querySelector('.wf-clock');
  frame.clock = clock ? clock.textContent : null;
  const nav = doc.querySelector('.wf-nav');
  frame.navigation = nav ? nav.textContent : null;
  const mouse = player.querySelector('.replayer-mouse');
  frame.touch = mouse ? { left: parseFloat(mouse.style.left), top: parseFloat(mouse.style.top), active: mouse.classList.contains('touch-active'), touchDevice: mouse.classList.contains('touch-device') } : null;
  return frame;
}
