// replay-html viewer: the session clock. Plays one recording across its windows, as PostHog's
// player does.
//
// The session is cut into segments (src/analysis.rs): stretches of activity or inactivity, each
// shown from one window, and gaps between them. The session follows the segments: at each
// moment it shows the window of the segment there (unless a window is pinned), with one rrweb
// player per window, kept alive and hidden when not on screen, so that switching is instant.
// (Letting hidden players go, and making one when its window comes back, made Firefox refuse
// rrweb's document.open on the new player's frame when a window was shown and then sought at
// once: InvalidStateError.) While a player plays, its clock is the session's; between a
// window's events (a gap, or a pinned window not yet open) the session keeps time itself. With
// inactivity skipping on, inactive stretches play at max(50, seconds left) times and gaps of
// over an hour are jumped.
// A moment whose events are not expanded yet is shown once they are (the clock waits, and
// says so), never as a wrong frame. A window's player grows as its chunks are expanded, up to
// half the loader's budget of events ahead of the moment shown (further, only when the clock
// gets there); a moment far ahead of it is shown from a new player made from the last full
// snapshot before the moment, so that only the chunks from there are expanded first
// (loader.js), and the old player's events are let go.
//
// Events: 'timeupdate', 'statechange' (playing, waiting), 'windowchange', 'ended', 'progress'.

/** Inactive stretches play at least this fast when skipped, as in PostHog. */
const SKIP_SPEED = 50;
/** Gaps longer than this are jumped over when skipping. */
const JUMP_GAP_MS = 60 * 60 * 1000;

class Session extends EventTarget {
  /**
   * @param {number} recording  index of the recording in the page
   * @param {object} summary    its summary (src/payload.rs)
   * @param {HTMLElement} host  where the players go
   * @param {{speed: number, skipInactive: boolean, cacheBytes: number}} options
   */
  constructor(recording, summary, host, options) {
    super();
    this.summary = summary;
    this.host = host;
    this.duration = summary.duration;
    this.speed = options.speed;
    this.skipInactive = options.skipInactive;
    /** @type {WindowPlayer[]} by window index, made as each window's first chunk arrives, or
     *  remade from a later snapshot for a moment far ahead */
    this.players = [];
    this.time = 0;
    this.playing = false;
    /** Window shown (index), and the window pinned by the reader, or null when following. */
    this.current = null;
    this.pinned = null;
    this.segment = summary.segments[0] || null;
    this.rate = this.speed;
    /** What the clock waits for ("Loading 1:30…"), or null. */
    this.waiting = null;
    this.presenting = 0;
    this.frame = 0;
    this.lastTick = 0;
    this.loader = new ChunkLoader(recording, summary);
    this.loader.setBudget(options.cacheBytes);
    this.loader.addEventListener('chunk', (event) => this.grow(event.detail.window));
    this.loader.addEventListener('progress', () => this.emit('progress'));
    this.loader.addEventListener('error', (event) => this.emit('error', event.detail));
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(host);
  }

  /** Expands the rest of the recording in the background, the window on screen first. Called
   *  once the first frame is drawn: begun earlier, it would hold that frame back. It waits for
   *  the browser to have read the whole page, so as not to slow the parser down, which a seek
   *  to a moment far ahead waits for. */
  loadInBackground() {
    const start = () => {
      if (!this.loader.stopped) this.loader.loadAll(this.current);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
    else start();
  }

  get currentPlayer() {
    return this.current === null ? null : this.players[this.current] || null;
  }

  /** The segment at a session time (the first segment, for a time before it). */
  segmentAt(time) {
    const segments = this.summary.segments;
    return segments[Math.max(lastAtOrBefore(segments, time, 'start'), 0)] || null;
  }

  /** The window to show at a session time. */
  windowAt(time) {
    if (this.pinned !== null) return this.pinned;
    const segment = this.segmentAt(time);
    if (segment && segment.window !== null) return segment.window;
    return this.current === null ? 0 : this.current;
  }

  /** Playback rate in a segment from a moment on. */
  rateIn(segment, time) {
    if (!this.skipInactive || !segment || segment.active) return this.speed;
    return Math.max(this.speed, SKIP_SPEED, (segment.end - time) / 1000);
  }

  clamp(time) {
    return Math.min(Math.max(Number(time) || 0, 0), this.duration);
  }

  /** Shows a session time; resolves once it is on screen (or a later seek took over). */
  seek(time) {
    return this.present(this.clamp(time));
  }

  play() {
    if (this.playing) return Promise.resolve();
    this.playing = true;
    const from = this.time >= this.duration ? 0 : this.time;
    this.emit('statechange');
    this.loop();
    return this.present(from);
  }

  pause() {
    if (!this.playing) return;
    const player = this.currentPlayer;
    this.time = this.currentTime();
    if (player) player.pause();
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.emit('statechange');
    this.emit('timeupdate');
  }

  setSpeed(speed) {
    this.speed = speed;
    this.updateRate();
  }

  setSkipInactive(skip) {
    this.skipInactive = skip;
    this.updateRate();
  }

  /** Shows one window from now on, whatever the segments say; null follows them again. */
  pin(window) {
    this.pinned = window;
    return this.present(this.currentTime());
  }

  /** The moment on screen. */
  currentTime() {
    const player = this.currentPlayer;
    return player && player.isPlaying ? player.sessionTime : this.time;
  }

  updateRate() {
    this.rate = this.rateIn(this.segment, this.time);
    const player = this.currentPlayer;
    if (player) player.setRate(this.rate);
  }

  /**
   * Puts a session time on screen from the window it belongs to, expanding what is missing
   * first, and plays on from there when playing. `rebase`: from a new player made from the
   * last full snapshot before the moment, even if the one there holds the moment.
   */
  async present(time, rebase = false) {
    const id = ++this.presenting;
    const player = this.currentPlayer;
    if (player) player.pause();
    this.time = time;
    const window = this.windowAt(time);
    // Playing on needs the events just after the moment too.
    const needed = this.playing ? time + 1 : time;
    const covering = this.players[window];
    /** Whether a new player shows the moment already. */
    let fresh = false;
    if (!covering || !covering.covers(needed) || rebase) {
      // (A window whose events are expanded gets its player at once.)
      const target = this.loader.chunkAt(window, needed);
      if (!this.loader.has(window, this.baseFor(window, needed), target)) this.setWaiting(`Loading ${formatClock(time)}…`);
      this.loader.focus = window;
      let made = false;
      try {
        made = await this.prepare(window, needed, rebase);
      } catch (error) {
        if (id !== this.presenting) return;
        throw error;
      }
      if (id !== this.presenting) return;
      // A new player shows the moment already, drawn in this task. To play on, it is sought
      // again, in the next task: Firefox (153 ESR) can refuse rrweb's second document.open on
      // a frame in the same task (InvalidStateError, seen when a window's player was made and
      // then made again from another snapshot at once: setWindow then goto).
      if (made && this.playing) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (id !== this.presenting) return;
      }
      fresh = made && !this.playing;
    }
    // (Also when this moment took over from one still waiting.)
    this.setWaiting(null);
    this.show(window);
    this.segment = this.segmentAt(time);
    this.rate = this.rateIn(this.segment, time);
    const shown = this.players[window];
    shown.setRate(this.rate);
    if (!fresh) shown.seek(time, this.playing);
    this.lastTick = performance.now();
    this.emit('timeupdate');
  }

  /** present() from the clock, whose failure is reported as an 'error' event. */
  presentLater(time, rebase = false) {
    this.present(time, rebase).catch((error) => this.emit('error', error));
  }

  /** Makes a window's player the one on screen. */
  show(window) {
    if (window === this.current) return;
    const previous = this.currentPlayer;
    if (previous) {
      previous.pause();
      previous.visible = false;
    }
    this.current = window;
    this.players[window].visible = true;
    this.loader.focus = window;
    this.emit('windowchange');
  }

  setWaiting(message) {
    if (this.waiting === message) return;
    this.waiting = message;
    this.emit('statechange');
  }

  /** Runs the clock while playing, once a frame. */
  loop() {
    cancelAnimationFrame(this.frame);
    this.lastTick = performance.now();
    const tick = (now) => {
      if (!this.playing) return;
      const elapsed = Math.min(now - this.lastTick, 1000);
      this.lastTick = now;
      if (this.waiting === null) this.advance(elapsed);
      if (this.playing) this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  /** One step of the clock while playing. */
  advance(elapsed) {
    const player = this.currentPlayer;
    const time = player && player.isPlaying ? player.sessionTime : this.time + elapsed * this.rate;
    if (time >= this.duration) {
      this.finish();
      return;
    }
    const segment = this.segmentAt(time);
    if (this.windowAt(time) !== this.current) {
      this.presentLater(time);
      return;
    }
    if (segment !== this.segment) {
      this.segment = segment;
      if (this.skipInactive && segment.gap && !segment.active && segment.end - segment.start > JUMP_GAP_MS) {
        this.presentLater(segment.end);
        return;
      }
      this.rate = this.rateIn(segment, time);
      if (player) player.setRate(this.rate);
    }
    this.time = time;
    // The window has events to play from here, but its player stopped: it ran out of
    // expanded events (present waits for more), or the clock has just reached the window.
    const window = this.summary.windows[this.current];
    if (player && !player.isPlaying && time >= window.start && time < window.end) {
      this.presentLater(time);
      return;
    }
    if (player && this.outgrown(player, time)) {
      this.presentLater(time, true);
      return;
    }
    this.emit('timeupdate');
  }

  finish() {
    this.playing = false;
    const player = this.currentPlayer;
    if (player) player.seek(this.duration, false);
    this.time = this.duration;
    this.emit('timeupdate');
    this.emit('statechange');
    this.emit('ended');
  }

  /**
   * Makes the window's player hold a moment: grows it to there if it holds the last full
   * snapshot before the moment, or the chunks in between are expanded or next; else makes a
   * new one from that snapshot, which needs only the chunks from there (always, with
   * `rebase`). Resolves with whether it made a new player.
   */
  async prepare(window, time, rebase = false) {
    const loader = this.loader;
    const target = loader.chunkAt(window, time);
    const base = this.baseFor(window, time);
    const player = this.players[window];
    const grows = !rebase && player && player.base <= base && (base <= player.top + 1 || loader.has(window, player.top + 1, base - 1));
    const from = grows ? player.top + 1 : base;
    // (Chunks can be let go again before this resumes: loader.js.)
    while (!loader.has(window, from, target)) await loader.need(window, from, target);
    if (grows && this.players[window] === player) {
      this.grow(window, target);
    } else if (rebase || !this.players[window] || !this.players[window].covers(time)) {
      this.remake(window, base, target, time);
      return true;
    }
    return false;
  }

  /** Whether a playing window's player holds more events than the loader's budget and has
   *  played past a later full snapshot: a player made from there lets the events before it
   *  go, so that playing on and on does not fill the memory. (rrweb itself rebuilds the page
   *  at a full snapshot as it plays past it, so the new player costs about what that does.) */
  outgrown(player, time) {
    const window = this.current;
    const held = this.loader.textBytes(window, player.base, player.top);
    return held > this.loader.budget && this.baseFor(window, time) > player.base;
  }

  /** The chunk a player showing a moment starts from: the last one with a full snapshot
   *  before the moment. (rrweb shows a moment as it was before that millisecond's events: a
   *  player must start from a snapshot before the moment to show it as every other player
   *  does.) */
  baseFor(window, time) {
    const loader = this.loader;
    const chunks = this.summary.windows[window].chunks;
    let base = loader.snapshotChunk(window, loader.chunkAt(window, time));
    while (base > 0 && chunks[base].start >= time) base = loader.snapshotChunk(window, base - 1);
    return base;
  }

  /** Adds to a window's player the chunks after its last, up to chunk `to` (expanded: see
   *  prepare), and past it those expanded while it holds less than half the loader's budget
   *  ahead of the moment shown; makes its first player once its first chunk is. */
  grow(window, to = -1) {
    const player = this.players[window];
    const loader = this.loader;
    if (!player) {
      if (loader.events[window][0]) this.remake(window, 0, 0);
      return;
    }
    const chunks = loader.events[window];
    let ahead = loader.textBytes(window, loader.chunkAt(window, this.currentTime()), player.top);
    while (player.top + 1 < chunks.length && chunks[player.top + 1] && (player.top < to || ahead < loader.budget / 2)) {
      ahead += loader.bytes[window][player.top + 1];
      player.append(loader.take(window, player.top + 1));
    }
  }

  /** Makes a window's player anew from chunk `base` to chunk `top` (expanded: see prepare),
   *  with the expanded chunks after them that grow() adds, showing session time `at` (its
   *  first moment if not given). */
  remake(window, base, top, at) {
    const chunks = [];
    for (let chunk = base; chunk <= top; chunk++) chunks.push(this.loader.take(window, chunk));
    const old = this.players[window];
    const player = new WindowPlayer(this.host, this.summary.windows[window], base, chunks, this.size(), at);
    this.players[window] = player;
    if (old) old.destroy();
    player.visible = window === this.current;
    this.grow(window);
  }

  size() {
    return {
      width: Math.max(160, Math.floor(this.host.clientWidth)),
      height: Math.max(90, Math.floor(this.host.clientHeight)),
    };
  }

  resize() {
    const size = this.size();
    for (const player of this.players) if (player) player.resize(size);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Stops everything and removes the players. */
  destroy() {
    this.playing = false;
    this.presenting += 1;
    cancelAnimationFrame(this.frame);
    this.loader.stop();
    this.resizeObserver.disconnect();
    for (const player of this.players) if (player) player.destroy();
    this.players = [];
  }
}
