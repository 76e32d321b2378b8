// replay-html viewer: one rrweb player showing one window of the session.
//
// rrweb replays one window at a time from that window's own events, on a clock that starts at
// the window's first event. A WindowPlayer maps session time (from the recording's first
// event) to that clock, takes the window's events chunk by chunk as they are expanded
// (rrweb-player's addEvent), and works around rrweb stopping one event short of the end.
// Its controller stays hidden: the page has its own controls, timeline and clock (session.js).

class WindowPlayer {
  /**
   * @param {HTMLElement} host      the element holding every window's player
   * @param {object} window         the window's summary: {id, start, end, chunks}
   * @param {object[]} firstEvents  the window's first chunk (up to its first full snapshot)
   * @param {{width: number, height: number}} size
   */
  constructor(host, window, firstEvents, size) {
    this.window = window;
    this.element = h('div', { class: 'window-player' });
    host.append(this.element);
    const Player = globalThis.rrwebPlayer.Player || globalThis.rrwebPlayer.default || globalThis.rrwebPlayer;
    this.player = new Player({
      target: this.element,
      props: {
        events: firstEvents,
        ...size,
        maxScale: 0,
        autoPlay: false,
        showController: false,
        // session.js skips inactivity itself, across windows, as PostHog does.
        skipInactive: false,
        // Replayer options, as PostHog sets them. Recorded pages never run scripts:
        // UNSAFE_replayCanvas would give the replay iframe allow-scripts.
        mouseTail: true,
        triggerFocus: false,
        UNSAFE_replayCanvas: false,
      },
    });
    this.replayer = this.player.getReplayer();
    /** How many chunks the player holds, and the session time up to which it has every event. */
    this.chunks = 1;
    this.loadedUntil = window.chunks[0].end;
    /** The last seek: {session, local}. A window shows its first or last frame for moments
     *  outside its own span, while the session is still at the moment asked for, as long as
     *  the replayer has not moved since. */
    this.lastSeek = { session: window.start, local: 0 };
    this.seek(window.start, false);
  }

  /** Whether every chunk of the window is in the player. */
  get complete() {
    return this.chunks === this.window.chunks.length;
  }

  /** Adds the next chunk's events. */
  append(events) {
    for (const event of events) this.player.addEvent(event);
    this.loadedUntil = this.window.chunks[this.chunks].end;
    this.chunks += 1;
  }

  /** Whether the player holds what the window showed at a session time. */
  covers(sessionTime) {
    return this.complete || sessionTime <= this.loadedUntil;
  }

  /** Duration of the window on its own clock. */
  get length() {
    return this.window.end - this.window.start;
  }

  /** The moment shown, in session time. */
  get sessionTime() {
    const local = this.replayer.getCurrentTime();
    if (Math.abs(local - this.lastSeek.local) < 1) return this.lastSeek.session;
    return this.window.start + Math.min(Math.max(local, 0), this.length);
  }

  get isPlaying() {
    return this.replayer.service.state.matches('playing');
  }

  /** Shows the window at a session time (clamped to the window), then plays or stays paused. */
  seek(sessionTime, play) {
    const local = Math.min(Math.max(sessionTime - this.window.start, 0), this.length);
    // rrweb applies, when seeking to t, only the events before t: the events of the very last
    // millisecond would stay unapplied. Going one millisecond past the end applies them all.
    const offset = local >= this.length ? this.length + 1 : local;
    this.player.goto(offset, play && sessionTime >= this.window.start && local < this.length);
    this.lastSeek = { session: sessionTime, local: offset };
  }

  pause() {
    if (this.isPlaying) this.player.pause();
  }

  /** Playback rate of the replayer's clock; changes smoothly while playing. */
  setRate(rate) {
    this.replayer.setConfig({ speed: rate });
  }

  /** The replay's iframe, holding the recorded page. */
  get iframe() {
    return this.element.querySelector('iframe');
  }

  /** Whether the player is the one on screen (the others stay laid out, unseen). */
  set visible(visible) {
    this.element.classList.toggle('is-current', visible);
  }

  /** Fits the player to a size in CSS pixels. */
  resize(size) {
    this.player.$set(size);
    this.player.triggerResize();
  }

  destroy() {
    this.pause();
    this.player.$destroy();
    this.element.remove();
  }
}
