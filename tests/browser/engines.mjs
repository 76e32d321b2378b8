// One way to drive a page in each browser engine the tests cover, so that a scenario is
// written once and runs in all of them:
//
// - chromium: Debian's Chromium (CHROMIUM overrides /usr/bin/chromium), with playwright-core.
// - firefox: Debian's Firefox ESR (FIREFOX overrides /usr/bin/firefox-esr), with puppeteer-core
//   over WebDriver BiDi.
// - webkit: WebKitGTK's MiniBrowser (WEBKIT_MINIBROWSER overrides the one found under
//   /usr/lib/*/webkit2gtk-4.*), through Debian's WebKitWebDriver (classic WebDriver, spoken by
//   the small client below), on a private Xvfb display this module starts.
//
// REPLAY_HTML_ENGINES=chromium,firefox,webkit chooses the engines (DEFAULT_ENGINES below when
// unset).
//
//   const browser = await launch('firefox');
//   const page = await browser.newPage({ viewport, colorScheme, reducedMotion, init });
//   await page.goto(url); await page.evaluate((x) => ..., x); await page.click('#play');
//   page.problems  // {consoleErrors, consoleWarnings, pageErrors, dialogs, requests}
//   await browser.close();
//
// Selectors are CSS, plus Playwright's ` >> nth=N` (N may be negative), `:has-text("...")`
// and `:visible`, resolved in the page by the same code in every engine.
//
// What an engine cannot do here, and what stands in for it:
// - WebKit over classic WebDriver sees no console and no requests, and runs no script before
//   the page's own. Its console errors and thrown errors are caught by listeners the driver
//   adds as soon as the page has loaded (what happens before that shows as a failed
//   `replayHtml.ready`), and its requests are read from the Resource Timing entries of the page
//   and its frames (a request the page's policy stops makes none). An `init` script runs right
//   after load there, unless it must run before the page's scripts (`early: true`): then the
//   page is opened from a loopback HTTP server this module starts (127.0.0.1, a free port,
//   stopped with the browser), which serves the file's own bytes with one more <script> (those
//   listeners, then the init) just before the page's first script, and that script's sha256
//   added to the page's Content-Security-Policy script-src; nothing else of the page changes
//   (its address does: http://127.0.0.1:PORT/N/NAME, with the file URL's query and fragment).
// - Firefox over BiDi cannot emulate colour scheme or reduced motion per page: a browser is
//   started with the preferences asked for (and kept for further pages that ask the same).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ALL_ENGINES = ['chromium', 'firefox', 'webkit'];
/** The engines the tests run in when REPLAY_HTML_ENGINES is unset. */
export const DEFAULT_ENGINES = ['chromium', 'firefox', 'webkit'];
const require = createRequire(import.meta.url);

/** The engines REPLAY_HTML_ENGINES asks for (DEFAULT_ENGINES when unset). */
export function selectedEngines() {
  const asked = (process.env.REPLAY_HTML_ENGINES || DEFAULT_ENGINES.join(','))
    .split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of asked) {
    if (!ALL_ENGINES.includes(name)) throw new Error(`REPLAY_HTML_ENGINES: unknown engine ${name} (known: ${ALL_ENGINES.join(', ')})`);
  }
  return asked;
}

const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];

function miniBrowser() {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  for (const dir of ['/usr/lib', '/usr/libexec', '/usr/lib64']) {
    if (!existsSync(dir)) continue;
    for (const arch of ['', ...readdirSync(dir)]) {
      let base;
      try {
        base = join(dir, arch);
        for (const lib of readdirSync(base)) {
          if (/^webkit2?gtk-[\d.]+$/.test(lib) && existsSync(join(base, lib, 'MiniBrowser'))) return join(base, lib, 'MiniBrowser');
        }
      } catch { /* not a directory */ }
    }
  }
  return null;
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** Why `engine` cannot run here, or null when it can. */
export function missing(engine) {
  const moduleMissing = (name) => {
    try {
      require.resolve(name);
      return null;
    } catch {
      return `tests/browser/node_modules has no ${name} (npm ci --prefix tests/browser)`;
    }
  };
  if (engine === 'chromium') {
    const path = process.env.CHROMIUM || '/usr/bin/chromium';
    return existsSync(path) ? moduleMissing('playwright-core') : `no Chromium at ${path} (apt-get install chromium)`;
  }
  if (engine === 'firefox') {
    const path = process.env.FIREFOX || '/usr/bin/firefox-esr';
    return existsSync(path) ? moduleMissing('puppeteer-core') : `no Firefox at ${path} (apt-get install firefox-esr)`;
  }
  if (engine === 'webkit') {
    if (!onPath('WebKitWebDriver')) return 'no WebKitWebDriver on PATH (apt-get install webkit2gtk-driver)';
    if (!miniBrowser()) return 'no WebKitGTK MiniBrowser (apt-get install webkit2gtk-driver)';
    if (!onPath('Xvfb')) return 'no Xvfb on PATH (apt-get install xvfb)';
    return null;
  }
  return `unknown engine ${engine}`;
}

// ---------------------------------------------------------------------------------------------
// In-page code, the same in every engine: selector resolution and the queries built on it.

/** Source of a function (selector) => element[]: CSS with ` >> nth=N`, `:has-text("t")`, `:visible`. */
const FIND = `(selector) => {
  const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  let nth = null;
  const at = selector.match(/\\s*>>\\s*nth=(-?\\d+)\\s*$/);
  if (at) { nth = Number(at[1]); selector = selector.slice(0, at.index); }
  const filters = [];
  selector = selector.replace(/:has-text\\(("|')(.*?)\\1\\)/g, (_, q, text) => { filters.push((e) => e.textContent.toLowerCase().includes(text.toLowerCase())); return ''; });
  selector = selector.replace(/:visible/g, () => { filters.push(visible); return ''; });
  let found = [...document.querySelectorAll(selector)].filter((e) => filters.every((f) => f(e)));
  if (nth !== null) { const one = found.at(nth); found = one ? [one] : []; }
  return found;
}`;

/** An expression calling `fn(element list, arg)` on what `selector` finds. */
const onAll = (selector, fn, arg) => `((find) => (${fn})(find(${JSON.stringify(selector)}), ${JSON.stringify(arg)}))(${FIND})`;

const asCall = (fn, arg) => (typeof fn === 'string' ? fn : `(${fn})(${arg === undefined ? '' : JSON.stringify(arg)})`);

/** What every engine's page offers, built on evaluate (an expression, awaited) and input. */
class BasePage {
  constructor(engine) {
    this.engine = engine;
    this.problems = { consoleErrors: [], consoleWarnings: [], pageErrors: [], dialogs: [], requests: [] };
  }

  /** Runs `fn(arg)` in the page (fn may be async) and returns its JSON result. */
  evaluate(fn, arg) {
    return this.run(asCall(fn, arg));
  }

  async waitForFunction(fn, arg, { timeout = 30_000, polling = 25 } = {}) {
    const expression = asCall(fn, arg);
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await this.run(`Promise.resolve(${expression}).then(Boolean)`)) return;
      if (Date.now() > deadline) throw new Error(`${this.engine}: timed out after ${timeout} ms waiting for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, polling));
    }
  }

  /** Waits until `selector` finds an element (visible, unless state is 'attached'). */
  async waitForSelector(selector, { state = 'visible', timeout = 30_000 } = {}) {
    const want = state === 'attached' ? selector : `${selector.replace(/\s*>>.*$/, '')}:visible${(selector.match(/\s*>>.*$/) || [''])[0]}`;
    const deadline = Date.now() + timeout;
    while (!(await this.count(want))) {
      if (Date.now() > deadline) throw new Error(`${this.engine}: timed out after ${timeout} ms waiting for ${selector}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Runs `fn(elements, arg)` on every element `selector` finds. */
  $$eval(selector, fn, arg) {
    return this.run(onAll(selector, fn, arg));
  }

  async one(selector, fn, arg) {
    const result = await this.run(onAll(selector, `(found, arg) => found.length ? { value: (${fn})(found[0], arg) } : null`, arg));
    if (!result) throw new Error(`${this.engine}: nothing matches ${selector}`);
    return result.value;
  }

  count(selector) { return this.$$eval(selector, (found) => found.length); }
  textContent(selector) { return this.one(selector, (e) => e.textContent); }
  getAttribute(selector, name) { return this.one(selector, (e, name) => e.getAttribute(name), name); }
  inputValue(selector) { return this.one(selector, (e) => e.value); }
  isChecked(selector) { return this.one(selector, (e) => e.checked); }
  isVisible(selector) {
    return this.$$eval(selector, (found) => found.length > 0 && (() => {
      const r = found[0].getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(found[0]).visibility !== 'hidden';
    })());
  }
  focus(selector) { return this.one(selector, (e) => { e.focus(); }); }
  dispatchEvent(selector, type) {
    return this.one(selector, (e, type) => { e.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window })); }, type);
  }

  /** Types into a field as Playwright's fill does: focus, set the value, fire `input`. */
  fill(selector, text) {
    return this.one(selector, (e, text) => {
      e.focus();
      e.value = text;
      e.dispatchEvent(new Event('input', { bubbles: true }));
      e.dispatchEvent(new Event('change', { bubbles: true }));
    }, text);
  }

  selectOption(selector, value) {
    return this.one(selector, (e, value) => {
      e.value = value;
      e.dispatchEvent(new Event('input', { bubbles: true }));
      e.dispatchEvent(new Event('change', { bubbles: true }));
    }, value);
  }

  async setChecked(selector, checked) {
    if ((await this.isChecked(selector)) !== checked) await this.click(selector);
  }
  check(selector) { return this.setChecked(selector, true); }
  uncheck(selector) { return this.setChecked(selector, false); }

  /** The centre of what `selector` finds, in viewport pixels, scrolled into view first. */
  async centre(selector) {
    return this.one(selector, (e) => {
      const r0 = e.getBoundingClientRect();
      if (r0.top < 0 || r0.left < 0 || r0.bottom > innerHeight || r0.right > innerWidth) e.scrollIntoView({ block: 'center', inline: 'center' });
      const r = e.getBoundingClientRect();
      return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2), width: r.width, height: r.height };
    });
  }

  /** The element's box, in viewport pixels. */
  boundingBox(selector) {
    return this.one(selector, (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    });
  }

  /** A real pointer click at the element's centre. */
  async click(selector) {
    const { x, y } = await this.centre(selector);
    await this.mouseClick(x, y);
  }

  /** The real pointer over the element's centre. */
  async hover(selector) {
    const { x, y } = await this.centre(selector);
    await this.mouseMove(x, y);
  }

  /** The text of the document and of every frame, as URLs: [top, ...frames]. */
  frameUrls() {
    return this.evaluate(() => {
      const urls = [location.href];
      const walk = (doc) => {
        for (const frame of doc.querySelectorAll('iframe')) {
          try {
            urls.push(frame.contentWindow.location.href);
            if (frame.contentDocument) walk(frame.contentDocument);
          } catch {
            urls.push(`(cross-origin) ${frame.src || frame.getAttribute('srcdoc') !== null ? 'about:srcdoc' : ''}`);
          }
        }
      };
      walk(document);
      return urls;
    });
  }

  url() { return this.evaluate(() => location.href); }
  waitForTimeout(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
  get keyboard() { return { press: (key) => this.press(key) }; }
  get mouse() { return { move: (x, y) => this.mouseMove(x, y), click: (x, y) => this.mouseClick(x, y) }; }
}

// ---------------------------------------------------------------------------------------------
// Chromium, with playwright-core.

async function launchChromium() {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  return {
    engine: 'chromium',
    version: browser.version(),
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport || { width: 1280, height: 800 },
        colorScheme: options.colorScheme || 'light',
        reducedMotion: options.reducedMotion || 'no-preference',
      });
      if (options.init) await context.addInitScript(options.init);
      const raw = await context.newPage();
      return new ChromiumPage(raw, context, options);
    },
    close: () => browser.close(),
  };
}

class ChromiumPage extends BasePage {
  constructor(raw, context, options) {
    super('chromium');
    this.raw = raw;
    this.context = context;
    this.blocked = [];
    const attempts = [];
    this.attempts = attempts;
    const stopped = new Set();
    this.stopped = stopped;
    raw.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('file:') && !url.startsWith('data:')) attempts.push(request);
    });
    raw.on('requestfailed', (request) => {
      if (/^csp$|ERR_BLOCKED_BY_(CSP|CLIENT|RESPONSE)/.test(request.failure()?.errorText || '')) stopped.add(request);
    });
    raw.on('console', (message) => {
      // A test's init script is offered to every frame; Chromium refuses it in the sandboxed
      // replay frame (as it must) and says so, naming the frame about:blank or its creator.
      if (options.init && /^Blocked script execution in '[^']*' because the document's frame is sandboxed/.test(message.text())) return;
      if (message.type() === 'error') this.problems.consoleErrors.push(message.text());
      if (message.type() === 'warning') this.problems.consoleWarnings.push(message.text());
    });
    raw.on('pageerror', (error) => this.problems.pageErrors.push(String(error)));
    raw.on('dialog', (dialog) => {
      this.problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
  }

  async goto(url) { await this.raw.goto(url); }
  run(expression) { return this.raw.evaluate(expression); }
  press(key) { return this.raw.keyboard.press(key); }
  mouseMove(x, y) { return this.raw.mouse.move(x, y); }
  mouseClick(x, y) { return this.raw.mouse.click(x, y); }
  async screenshot(options) { await this.raw.screenshot(options); }
  async setViewport(viewport) { await this.raw.setViewportSize(viewport); }

  /** Requests other than file: and data:, split into those let through and those the page's policy stopped. */
  async requests() {
    if (this.attempts.length) await this.waitForTimeout(500); // let the last failures arrive
    const through = this.attempts.filter((r) => !this.stopped.has(r)).map((r) => r.url());
    const blocked = this.attempts.filter((r) => this.stopped.has(r)).map((r) => r.url());
    return { through, blocked };
  }

  async frameUrls() { return this.raw.frames().map((frame) => frame.url()); }

  /** The frame whose URL matches `pattern`, offering evaluate, waitForFunction and isVisible. */
  frame(pattern) {
    const frame = this.raw.frame({ url: pattern });
    if (!frame) throw new Error(`chromium: no frame at ${pattern}`);
    return new FrameView(this.engine, (expression) => frame.evaluate(expression));
  }

  async close() {
    this.problems.requests = (await this.requests()).through;
    await this.context.close();
  }
}

/** A frame of a page: evaluate and the queries, without input. */
class FrameView extends BasePage {
  constructor(engine, run) {
    super(engine);
    this.run = run;
  }
}

// ---------------------------------------------------------------------------------------------
// Firefox, with puppeteer-core over WebDriver BiDi.

async function launchFirefox(preferences) {
  const puppeteer = require('puppeteer-core');
  const prefs = {
    'layout.css.prefers-color-scheme.content-override': preferences.colorScheme === 'dark' ? 0 : 1,
    'ui.prefersReducedMotion': preferences.reducedMotion === 'reduce' ? 1 : 0,
    // The full-screen request is granted at once, without the transition.
    'full-screen-api.transition-duration.enter': '0 0',
    'full-screen-api.transition-duration.leave': '0 0',
    'full-screen-api.warning.timeout': 0,
  };
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: prefs,
    defaultViewport: null,
  });
  return { browser, version: (await browser.version()) };
}

class FirefoxPage extends BasePage {
  constructor(raw, options) {
    super('firefox');
    this.raw = raw;
    this.attempts = [];
    this.stopped = new Set();
    raw.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('file:') && !url.startsWith('data:') && !url.startsWith('about:')) this.attempts.push(request);
    });
    raw.on('requestfailed', (request) => {
      if (/CSP|BLOCKED|blocked/.test(request.failure()?.errorText || '')) this.stopped.add(request);
    });
    raw.on('console', (message) => {
      if (message.type() === 'error') this.problems.consoleErrors.push(message.text());
      if (message.type() === 'warn' || message.type() === 'warning') this.problems.consoleWarnings.push(message.text());
    });
    raw.on('pageerror', (error) => {
      // Firefox reports what the page's policy stopped as an error of the page's, not a
      // message: it is the browser's report, as Chromium's console message is.
      const text = String(error.message || error);
      (text.startsWith('Content-Security-Policy: ') ? this.problems.consoleErrors : this.problems.pageErrors).push(text);
    });
    raw.on('dialog', (dialog) => {
      this.problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
  }

  async goto(url) {
    await this.raw.goto(url);
  }

  run(expression) { return this.raw.evaluate(expression); }
  // Puppeteer's BiDi keyboard knows the space bar only as ' '.
  press(key) { return this.raw.keyboard.press(key === 'Space' ? ' ' : key); }
  mouseMove(x, y) { return this.raw.mouse.move(x, y); }
  mouseClick(x, y) { return this.raw.mouse.click(x, y); }
  async screenshot(options) { await this.raw.screenshot(options); }
  async setViewport(viewport) { await this.raw.setViewport(viewport); }

  async requests() {
    if (this.attempts.length) await this.waitForTimeout(500);
    const through = this.attempts.filter((r) => !this.stopped.has(r)).map((r) => r.url());
    const blocked = this.attempts.filter((r) => this.stopped.has(r)).map((r) => r.url());
    return { through, blocked };
  }

  async frameUrls() { return this.raw.frames().map((frame) => frame.url()); }

  frame(pattern) {
    const frame = this.raw.frames().find((f) => pattern.test(f.url()));
    if (!frame) throw new Error(`firefox: no frame at ${pattern}`);
    return new FrameView(this.engine, (expression) => frame.evaluate(expression));
  }

  async close() {
    this.problems.requests = (await this.requests()).through;
    await this.raw.close();
  }
}

// ---------------------------------------------------------------------------------------------
// WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver, on a private Xvfb display.

/** A free loopback TCP port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Xvfb on a display of its own; resolves to {display, process, state()}.
 *
 * The display number is drawn at random from a wide range rather than taken as the lowest free
 * one (-displayfd's choice): tests start and stop Xvfbs side by side, and one that is stopping
 * deletes its socket as it exits, so they should never take turns on one number. The socket is
 * checked before the display is handed out. (A display has still been lost now and then in CI,
 * cause unknown: startDriver's callers start again on a new one.)
 */
async function startXvfb() {
  for (let tries = 1; ; tries++) {
    const number = 100 + Math.floor(Math.random() * 30000);
    try {
      return await startXvfbOn(number);
    } catch (error) {
      if (tries >= 8) throw error;
    }
  }
}

/** Starts Xvfb on display :number, resolving once its socket takes connections. */
function startXvfbOn(number) {
  return new Promise((resolve, reject) => {
    // -noreset: the server stays as it is when its last client leaves (the check below is one).
    const xvfb = spawn('Xvfb', [`:${number}`, '-displayfd', '3', '-screen', '0', '1920x1200x24', '-nolisten', 'tcp', '-noreset'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let ready = '';
    let errors = '';
    const fail = (message) => {
      xvfb.kill();
      reject(new Error(`Xvfb on :${number} ${message}: ${errors.trim() || 'it said nothing'}`));
    };
    xvfb.stderr.on('data', (data) => { errors += data; });
    xvfb.on('exit', (code, signal) => fail(`exited (${code ?? signal}) before it started`));
    xvfb.stdio[3].on('data', (data) => {
      ready += data;
      if (!ready.includes('\n')) return;
      const socket = connect(`/tmp/.X11-unix/X${number}`);
      socket.once('connect', () => {
        socket.destroy();
        xvfb.removeAllListeners('exit');
        resolve({
          display: `:${number}`,
          process: xvfb,
          /** How it is: for a message about a browser that could not use it. */
          state() {
            const ended = xvfb.exitCode ?? xvfb.signalCode;
            const path = existsSync(`/tmp/.X11-unix/X${number}`) ? 'its socket there' : 'its socket gone';
            return `Xvfb :${number} ${ended === null ? 'running' : `exited (${ended})`}, ${path}, its stderr: ${errors.trim().slice(-1000) || 'nothing'}`;
          },
        });
      });
      socket.once('error', (error) => fail(`started, but its socket does not answer (${error.code})`));
    });
  });
}

/** WebDriver keys for the key names the scenarios press (Playwright's names). */
const WEBDRIVER_KEYS = {
  Space: ' ', Enter: '\uE007', Escape: '\uE00C', Tab: '\uE004', Backspace: '\uE003',
  ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015',
  Home: '\uE011', End: '\uE010', PageUp: '\uE00E', PageDown: '\uE00F',
};

/** Listeners for errors, console errors and warnings, added once the page has loaded. */
const WEBKIT_HOOKS = `(() => {
  if (window.__engineProblems) return;
  const problems = window.__engineProblems = { consoleErrors: [], consoleWarnings: [], pageErrors: [] };
  const text = (args) => args.map((a) => (typeof a === 'string' ? a : (() => { try { return JSON.stringify(a); } catch { return String(a); } })())).join(' ');
  const error = console.error.bind(console);
  const warn = console.warn.bind(console);
  console.error = (...args) => { problems.consoleErrors.push(text(args)); error(...args); };
  console.warn = (...args) => { problems.consoleWarnings.push(text(args)); warn(...args); };
  addEventListener('error', (event) => problems.pageErrors.push(String(event.error || event.message)));
  addEventListener('unhandledrejection', (event) => problems.pageErrors.push(String(event.reason)));
  addEventListener('securitypolicyviolation', (event) => problems.consoleErrors.push('Refused by the Content-Security-Policy (' + event.violatedDirective + '): ' + event.blockedURI));
})()`;

/** The URLs of every resource the page and its readable frames fetched (Resource Timing). */
const RESOURCE_URLS = `(() => {
  const urls = [];
  const walk = (win) => {
    try {
      for (const entry of win.performance.getEntriesByType('resource')) urls.push(entry.name);
      for (const frame of win.document.querySelectorAll('iframe')) walk(frame.contentWindow);
    } catch { /* a frame we cannot read */ }
  };
  walk(window);
  return urls;
})()`;

/**
 * The bytes of an HTML page with `script` run before the page's own: one <script> just before
 * the page's first, and its sha256 added to the script-src of the page's Content-Security-Policy
 * (its <meta>, which comes before any script). Nothing else changes.
 */
export function withEarlyScript(html, script) {
  const text = script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
  // A UTF-16 page (little-endian, after its byte-order mark) gets its script in UTF-16 too;
  // a UTF-8 page's head is ASCII.
  const utf16 = html[0] === 0xff && html[1] === 0xfe;
  const [encoding, start] = utf16 ? ['utf16le', 2] : ['latin1', 0];
  const first = html.indexOf(Buffer.from('<script', encoding), start);
  if (first < 0) throw new Error('the page has no <script> to put the early one before');
  const head = html.subarray(start, first).toString(encoding);
  const hash = `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  let before = head;
  const policy = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(head);
  if (policy) {
    if (!/(^|;)\s*script-src\s/.test(policy[1])) throw new Error(`the page's policy has no script-src: ${policy[1]}`);
    const content = policy[1].replace(/(^|;)(\s*script-src)(\s)/, `$1$2 ${hash}$3`);
    const start = policy.index + policy[0].length - policy[1].length - 1;
    before = head.slice(0, start) + content + head.slice(start + policy[1].length);
  }
  return Buffer.concat([
    html.subarray(0, start), Buffer.from(before, encoding), Buffer.from(`<script>${text}</script>`, utf16 ? 'utf16le' : 'utf8'), html.subarray(first),
  ]);
}

/**
 * A loopback HTTP server (127.0.0.1, a free port) serving files with an early script
 * (withEarlyScript): host.serve(fileUrl, script) is the address to open instead. It keeps no
 * process alive and stops with close().
 */
function startEarlyHost() {
  const pages = [];
  const server = createHttpServer((request, response) => {
    const [, id] = /^\/(\d+)\//.exec(request.url) || [];
    const page = pages[Number(id)];
    if (request.method !== 'GET' || !page) {
      response.writeHead(404).end();
      return;
    }
    let body;
    try {
      body = withEarlyScript(readFileSync(page.path), page.script);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': body.length });
    response.end(body);
  });
  server.unref();
  const listening = new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
  return {
    async serve(fileUrl, script) {
      const url = new URL(fileUrl);
      if (url.protocol !== 'file:') throw new Error(`webkit: an early init script needs a file: page, not ${fileUrl}`);
      const path = fileURLToPath(`file://${url.pathname}`);
      pages.push({ path, script });
      const port = await listening;
      return `http://127.0.0.1:${port}/${pages.length - 1}/${encodeURIComponent(basename(path))}${url.search}${url.hash}`;
    },
    close() {
      server.close();
      server.closeAllConnections();
    },
  };
}

/**
 * WebKitWebDriver on an Xvfb display of its own, with `env`: {call(method, path, body,
 * {timeout}), stop()}. call() sends a WebDriver command and answers its value; its errors say
 * what became of the driver and of the display.
 */
async function startDriver(env) {
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...env, DISPLAY: xvfb.display },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let driverErrors = '';
  // Aborted when the display is lost: a command waiting for the browser then fails at once.
  const displayLost = new AbortController();
  driver.stderr.on('data', (data) => {
    driverErrors += data;
    if (/cannot open display/.test(driverErrors)) displayLost.abort(new Error('the browser could not open its display'));
  });
  xvfb.process.once('exit', () => displayLost.abort(new Error('Xvfb exited')));
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    driver.kill();
    xvfb.process.removeAllListeners('exit');
    xvfb.process.kill();
  };
  async function call(method, path, body, { timeout } = {}) {
    let response;
    try {
      response = await fetch(base + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: timeout ? AbortSignal.any([AbortSignal.timeout(timeout), displayLost.signal]) : undefined,
      });
    } catch (error) {
      // (Seen in CI, under load, as a bare "fetch failed", and as a browser that could not open
      // its display: say what became of the driver and of the display.)
      const state = driver.exitCode !== null || driver.signalCode !== null
        ? `exited (${driver.exitCode ?? driver.signalCode})`
        : 'still running';
      const said = driverErrors.trim().slice(-2000) || 'nothing';
      const why = error.cause?.message || error.message;
      throw new Error(`webkit: ${method} ${path}: ${why}; WebKitWebDriver ${state}, its stderr: ${said}; ${xvfb.state()}`);
    }
    const reply = await response.json();
    if (!response.ok) {
      const error = new Error(`webkit: ${method} ${path}: ${reply.value?.error}: ${reply.value?.message}`);
      error.webdriver = reply.value || {};
      throw error;
    }
    return reply.value;
  }
  try {
    for (let tries = 0; ; tries++) {
      try {
        await call('GET', '/status');
        break;
      } catch (error) {
        if (tries > 100) throw new Error(`WebKitWebDriver did not start: ${driverErrors.trim() || error.message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { call, stop };
}

async function launchWebKit(preferences) {
  // Without a GPU, WebKitGTK's DMA-BUF renderer draws a frame or two a second under Xvfb (the
  // replay's clock samples them); shared-memory rendering keeps up.
  const env = { WEBKIT_DISABLE_DMABUF_RENDERER: '1', ...process.env };
  delete env.WAYLAND_DISPLAY;
  let configHome = null;
  if (preferences.reducedMotion === 'reduce') {
    // WebKitGTK answers prefers-reduced-motion from GTK's gtk-enable-animations setting.
    configHome = mkdtempSync(join(tmpdir(), 'replay-html-webkit-'));
    mkdirSync(join(configHome, 'gtk-3.0'));
    writeFileSync(join(configHome, 'gtk-3.0', 'settings.ini'), '[Settings]\ngtk-enable-animations=0\n');
    env.XDG_CONFIG_HOME = configHome;
  }
  let driver = null;
  let host = null;
  const interrupted = () => process.exit(1);
  const stop = () => {
    if (host) host.close();
    if (driver) driver.stop();
    if (configHome) rmSync(configHome, { recursive: true, force: true });
    process.off('exit', stop);
    for (const signal of ['SIGINT', 'SIGTERM']) process.off(signal, interrupted);
  };
  // The driver (and the browser it started) and Xvfb end with this process, however it ends.
  process.on('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, interrupted);
  try {
    driver = await startDriver(env);
  } catch (error) {
    stop();
    throw error;
  }
  // Pages send their commands to the driver of the moment (see newPage).
  const call = (...args) => driver.call(...args);
  const args = ['--automation'];
  if (preferences.colorScheme === 'dark') args.push('--dark-mode');
  let version = 'unknown';
  // WebKitWebDriver holds one session at a time: a page left open by a failed scenario is
  // closed when the next one opens.
  let current = null;
  return {
    engine: 'webkit',
    get version() { return version; },
    async newPage(options = {}) {
      if (current) await current.close();
      const capabilities = {
        alwaysMatch: {
          'webkitgtk:browserOptions': { binary: miniBrowser(), args },
          unhandledPromptBehavior: 'ignore',
        },
      };
      // A browser that cannot start leaves the driver waiting for it for good: give up in a
      // minute (it starts in a second or two), or at once when it cannot open its display. In
      // CI, now and then, MiniBrowser could not open a display Xvfb had just opened (Xvfb had
      // gone: see the error's account of it): then the driver and its display start again, once.
      let session;
      for (let tries = 1; ; tries++) {
        try {
          session = await call('POST', '/session', { capabilities }, { timeout: 60_000 });
          break;
        } catch (error) {
          if (tries > 1 || error.webdriver) throw error;
          console.error(`${error.message}\nwebkit: starting WebKitWebDriver again, on a new display`);
          driver.stop();
          driver = await startDriver(env);
        }
      }
      version = session.capabilities.browserVersion;
      // An init that must run before the page's scripts comes with the page, from a loopback
      // host (startEarlyHost): classic WebDriver has no way to run it first.
      if (options.init && options.early && !host) host = startEarlyHost();
      const page = new WebKitPage(call, `/session/${session.sessionId}`, options, options.init && options.early ? host : null);
      current = page;
      await page.setViewport(options.viewport || { width: 1280, height: 800 });
      return page;
    },
    async close() { stop(); },
  };
}

class WebKitPage extends BasePage {
  constructor(call, session, options, host) {
    super('webkit');
    this.call = call;
    this.session = session;
    this.options = options;
    this.host = host;
  }

  /** A WebDriver command; an open dialog is noted, dismissed, and the command tried again. */
  async command(method, path, body) {
    for (let tries = 0; ; tries++) {
      try {
        return await this.call(method, this.session + path, body);
      } catch (error) {
        if (error.webdriver?.error !== 'unexpected alert open' || tries > 5) throw error;
        await this.dismissDialog();
      }
    }
  }

  async dismissDialog() {
    try {
      const text = await this.call('GET', `${this.session}/alert/text`);
      this.problems.dialogs.push(`dialog: ${text}`);
      await this.call('POST', `${this.session}/alert/dismiss`, {});
    } catch { /* no dialog after all */ }
  }

  async goto(url) {
    // With an early init, the page comes from the loopback host with the listeners and the
    // init in front of its own scripts.
    const early = this.host ? `${WEBKIT_HOOKS};\n(${this.options.init})();\n` : null;
    await this.command('POST', '/url', { url: early ? await this.host.serve(url, early) : url });
    await this.afterLoad(!early);
  }

  async afterLoad(init = true) {
    await this.command('POST', '/execute/sync', { script: `${WEBKIT_HOOKS}; return null;`, args: [] });
    if (init && this.options.init) await this.run(`(${this.options.init})(), null`);
  }

  /**
   * Runs the expression at once, within the driver's call, and then waits for what it gives if
   * that is a promise. Its synchronous part must not wait for a microtask: the driver calls the
   * script from outside the page's event loop, so the page's microtasks run at its next
   * checkpoint, which can be in the middle of the browser's rendering step (after a
   * ResizeObserver callback, say), where what the page does then no user could make it do.
   */
  async run(expression) {
    const result = await this.command('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        const failed = (error) => done({ error: String(error && error.stack ? error.message + '\\n' + error.stack : error) });
        let value;
        try {
          value = (${expression});
        } catch (error) {
          failed(error);
          return;
        }
        Promise.resolve(value).then((value) => done({ value: value === undefined ? null : value }), failed);`,
      args: [],
    });
    if (result.error) throw new Error(`webkit: evaluation failed: ${result.error}`);
    return result.value;
  }

  press(key) {
    const value = WEBDRIVER_KEYS[key] ?? key;
    return this.command('POST', '/actions', {
      actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }],
    });
  }

  mouseMove(x, y) {
    return this.command('POST', '/actions', {
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', origin: 'viewport', x: Math.round(x), y: Math.round(y), duration: 0 }] }],
    });
  }

  mouseClick(x, y) {
    return this.command('POST', '/actions', {
      actions: [{
        type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
        actions: [
          { type: 'pointerMove', origin: 'viewport', x: Math.round(x), y: Math.round(y), duration: 0 },
          { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 },
        ],
      }],
    });
  }

  /** Screenshots show the viewport (classic WebDriver has no full-page or clipped capture). */
  async screenshot({ path }) {
    const png = await this.command('GET', '/screenshot');
    writeFileSync(path, Buffer.from(png, 'base64'));
  }

  /** Sizes the window so that the page's viewport is `viewport`. */
  async setViewport({ width, height }) {
    let outer = { width, height };
    for (let i = 0; i < 3; i++) {
      await this.command('POST', '/window/rect', { x: 0, y: 0, ...outer });
      const inner = await this.command('POST', '/execute/sync', { script: 'return [innerWidth, innerHeight]', args: [] });
      if (inner[0] === width && inner[1] === height) return;
      outer = { width: outer.width + width - inner[0], height: outer.height + height - inner[1] };
    }
  }

  async problemsOfPage() {
    try {
      return await this.run('window.__engineProblems || null');
    } catch {
      return null;
    }
  }

  /** Requests the page and its frames made (Resource Timing), other than file: and data:
   *  (and, for a page from the loopback host, the browser's own request for the site's icon,
   *  which it makes of an http: page and not of a file: one). */
  async requests() {
    const urls = await this.run(RESOURCE_URLS);
    const icon = this.host ? await this.run('new URL("/favicon.ico", location.href).href') : null;
    return { through: urls.filter((url) => !url.startsWith('file:') && !url.startsWith('data:') && url !== icon), blocked: [] };
  }

  /** The frame of an <iframe> whose src matches `pattern`: commands switch into it and back. */
  frame(pattern) {
    const page = this;
    return new FrameView('webkit', async (expression) => {
      const element = await page.command('POST', '/execute/sync', {
        script: `return [...document.querySelectorAll('iframe')].find((f) => new RegExp(arguments[0], arguments[1]).test(f.src)) || null`,
        args: [pattern.source, pattern.flags],
      });
      if (!element) throw new Error(`webkit: no frame at ${pattern}`);
      await page.command('POST', '/frame', { id: element });
      try {
        return await page.run(expression);
      } finally {
        await page.command('POST', '/frame', { id: null });
      }
    });
  }

  async collectProblems() {
    const seen = await this.problemsOfPage();
    if (seen) {
      this.problems.consoleErrors.push(...seen.consoleErrors);
      this.problems.consoleWarnings.push(...seen.consoleWarnings);
      this.problems.pageErrors.push(...seen.pageErrors);
    }
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.dismissDialog();
    await this.collectProblems();
    try {
      this.problems.requests = (await this.requests()).through;
    } catch { /* the page is gone */ }
    await this.call('DELETE', this.session).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Starts `engine`. The browser's newPage({viewport, colorScheme, reducedMotion, init, early})
 * opens a fresh page (fresh profile or context); close() ends everything it started.
 */
export async function launch(engine) {
  if (engine === 'chromium') return launchChromium();
  // Firefox and WebKit take colour scheme and reduced motion at launch: one browser per set of
  // preferences, started when first asked for.
  const starters = { firefox: launchFirefox, webkit: launchWebKit };
  if (!starters[engine]) throw new Error(`unknown engine ${engine}`);
  const running = new Map();
  const browserFor = (options) => {
    const key = `${options.colorScheme || 'light'}/${options.reducedMotion || 'no-preference'}`;
    if (!running.has(key)) running.set(key, starters[engine]({ colorScheme: options.colorScheme, reducedMotion: options.reducedMotion }));
    return running.get(key);
  };
  const first = await browserFor({});
  if (engine === 'webkit') {
    return {
      engine,
      get version() { return first.version; },
      async newPage(options = {}) { return (await browserFor(options)).newPage(options); },
      async close() { for (const browser of running.values()) await (await browser).close(); },
    };
  }
  return {
    engine,
    version: first.version,
    async newPage(options = {}) {
      const { browser } = await browserFor(options);
      const raw = await browser.newPage();
      await raw.setViewport(options.viewport || { width: 1280, height: 800 });
      // Firefox runs preload scripts in every frame, the replay's included: the test's script
      // is for the page itself.
      if (options.init) await raw.evaluateOnNewDocument(`if (window === window.top) (${options.init})()`);
      return new FirefoxPage(raw, options);
    },
    async close() { for (const started of running.values()) await (await started).browser.close(); },
  };
}

// `node engines.mjs --missing` prints {engine: why it cannot run here, or null} for the engines
// REPLAY_HTML_ENGINES selects: the Rust tests ask it before they start a browser.
if (process.argv[1] && import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--missing') {
  process.stdout.write(JSON.stringify(Object.fromEntries(selectedEngines().map((engine) => [engine, missing(engine)]))) + '\n');
}
