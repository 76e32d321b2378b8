// replay-html viewer: the open recording and the reader's choices, shared by every part of
// the page.
//
// The page holds one recording or a collection. The App opens one at a time (only that one is
// expanded), makes its Session, and passes the session's events on, so that the parts of the
// page listen to the App once and read `app.session` and `app.summary`, whichever recording
// is open. Its own events: 'recordingchange' (a recording was opened; its first frame is not
// drawn yet), 'open' (the first frame is drawn), and the session's: 'timeupdate',
// 'statechange', 'windowchange', 'progress', 'ended', 'error'.

/** Speeds offered, as in PostHog's player (and `bundle --speed`). */
const SPEEDS = [0.5, 1, 1.5, 2, 3, 4, 8, 16];

const SESSION_EVENTS = ['timeupdate', 'statechange', 'windowchange', 'progress', 'ended', 'error'];

class App extends EventTarget {
  /**
   * @param {object} settings     #replay-settings (src/page.rs, ViewerSettings)
   * @param {object[]} summaries  each recording's summary
   */
  constructor(settings, summaries) {
    super();
    this.settings = settings;
    this.summaries = summaries;
    this.speed = SPEEDS.includes(settings.speed) ? settings.speed : 1;
    this.skipInactive = settings.skipInactive !== false;
    /** Bytes of expanded events to keep (loader.js; replayHtml.setCacheSize). */
    this.cacheBytes = CACHE_BYTES;
    /** Index of the open recording, its summary, session and inspector rows (a Promise). */
    this.recording = null;
    this.summary = null;
    /** @type {Session|null} */
    this.session = null;
    this.inspector = null;
    this.opening = Promise.resolve();
  }

  /** A recording's id in links and the API: its session id, or else its 1-based number. */
  recordingId(index) {
    return this.summaries[index].sessionId || String(index + 1);
  }

  recordingIndex(id) {
    return this.summaries.findIndex((_, index) => this.recordingId(index) === String(id));
  }

  /** Opens a recording at a session time; resolves once its first frame is drawn. */
  open(index, time) {
    if (this.session) this.session.destroy();
    this.recording = index;
    this.summary = this.summaries[index];
    const session = new Session(index, this.summary, byId('players'), {
      speed: this.speed,
      skipInactive: this.skipInactive,
      cacheBytes: this.cacheBytes,
    });
    this.session = session;
    for (const type of SESSION_EVENTS) {
      session.addEventListener(type, (event) => {
        if (this.session === session) this.dispatchEvent(new CustomEvent(type, { detail: event.detail }));
      });
    }
    // The inspector's rows are expanded once the first frame is drawn (or has failed), so
    // that they never hold it back.
    let drawn = null;
    this.inspector = new Promise((resolve) => { drawn = resolve; }).then(() => decodeInspector(index));
    this.inspector.catch(() => {});
    this.dispatchEvent(new Event('recordingchange'));
    // The first frame: seeking expands only what it needs.
    this.opening = session.seek(time).then(async () => {
      if (session.currentPlayer) await session.currentPlayer.drawn;
      await nextFrame();
      const iframe = session.currentPlayer && session.currentPlayer.iframe;
      if (!iframe || !iframe.contentDocument || !iframe.contentDocument.documentElement) {
        throw new Error('the player drew no page from the first snapshot');
      }
      session.loadInBackground();
      if (this.session === session) this.dispatchEvent(new Event('open'));
    });
    this.opening.catch(() => {}).then(drawn);
    return this.opening;
  }

  /** The moment on screen, in ms of session time. */
  get time() {
    return this.session ? this.session.currentTime() : 0;
  }

  get playing() {
    return Boolean(this.session && this.session.playing);
  }

  seek(time) {
    return this.session ? this.session.seek(time) : Promise.resolve();
  }

  /** Moves by some ms from the moment on screen. */
  skip(delta) {
    return this.seek(this.time + delta);
  }

  play() {
    return this.session ? this.session.play() : Promise.resolve();
  }

  pause() {
    if (this.session) this.session.pause();
  }

  toggle() {
    return this.playing ? this.pause() : this.play();
  }

  setSpeed(speed) {
    this.speed = speed;
    if (this.session) this.session.setSpeed(speed);
    this.dispatchEvent(new Event('settingschange'));
  }

  setSkipInactive(skip) {
    this.skipInactive = skip;
    if (this.session) this.session.setSkipInactive(skip);
    this.dispatchEvent(new Event('settingschange'));
  }
}

/** Resolves once the browser has drawn a frame (or soon, in a tab that draws none). */
function nextFrame() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
