// replay-html viewer, part 2 of 3: one rrweb player showing one window.
//
// rrweb replays one window at a time from that window's own events, with its own clock
// starting at the window's first event. WindowPlayer maps session time (from the recording's
// first event) to that clock, and works around rrweb stopping one event short of the end.

/** Space the rrweb-player controller takes below the replay. */
const CONTROLLER_HEIGHT = 80;

/** Speeds offered, as in PostHog's player. */
const SPEEDS = [0.5, 1, 1.5, 2, 3, 4, 8, 16];

class WindowPlayer {
  /**
   * @param {HTMLElement} target  element the player fills (emptied first)
   * @param {object} window       the window's summary: {id, start, end, eventCount}
   * @param {object[]} events     the window's rrweb events
   * @param {{speed: number}} settings
   */
  constructor(target, window, events, settings) {
    this.window = window;
    this.target = target;
    target.replaceChildren();
    const { width, height } = this.size();
    const Player = globalThis.rrwebPlayer.Player || globalThis.rrwebPlayer.default || globalThis.rrwebPlayer;
    this.player = new Player({
      target,
      props: {
        events,
        width,
        height,
        autoPlay: false,
        showController: true,
        skipInactive: true,
        speed: settings.speed,
        speedOption: SPEEDS,
        // Replayer options, as PostHog sets them. Recorded pages never run scripts:
        // UNSAFE_replayCanvas would give the replay iframe allow-scripts.
        mouseTail: true,
        triggerFocus: false,
        UNSAFE_replayCanvas: false,
      },
    });
    // The controller shows the first speed option until told otherwise.
    this.player.setSpeed(settings.speed);
    /** The last seek: {session, local}. A window shows its first or last frame for moments
     *  outside its own span, but the session is still at the moment asked for, as long as
     *  the replayer has not moved since. */
    this.lastSeek = { session: window.start, local: 0 };
  }

  /** Duration of the window on its own clock. */
  get length() {
    return this.window.end - this.window.start;
  }

  /** The current moment in session time. */
  get sessionTime() {
    const local = this.player.getReplayer().getCurrentTime();
    if (Math.abs(local - this.lastSeek.local) < 1) return this.lastSeek.session;
    return this.window.start + Math.min(Math.max(local, 0), this.length);
  }

  get isPlaying() {
    return this.player.getReplayer().service.state.matches('playing');
  }

  /** Shows the window at a session time (clamped to the window), then plays or stays paused. */
  seek(sessionTime, play) {
    const local = Math.min(Math.max(sessionTime - this.window.start, 0), this.length);
    // rrweb applies, when seeking to t, only the events before t: the events of the very last
    // millisecond would stay unapplied. Going one millisecond past the end applies them all.
    const offset = local >= this.length ? this.length + 1 : local;
    this.player.goto(offset, play);
    this.lastSeek = { session: sessionTime, local: offset };
  }

  play() {
    if (this.sessionTime >= this.window.end) this.seek(this.window.start, true);
    else this.player.play();
  }

  pause() {
    this.player.pause();
  }

  setSpeed(speed) {
    this.player.setSpeed(speed);
  }

  /** The replay's iframe, holding the recorded page. */
  get iframe() {
    return this.target.querySelector('iframe');
  }

  /** Fits the player to the space the page gives it. */
  resize() {
    this.player.$set(this.size());
    this.player.triggerResize();
  }

  size() {
    const box = this.target.getBoundingClientRect();
    return {
      width: Math.max(200, Math.floor(box.width)),
      height: Math.max(120, Math.floor(box.height) - CONTROLLER_HEIGHT),
    };
  }

  destroy() {
    this.player.pause();
    this.player.$destroy();
    this.target.replaceChildren();
  }
}
