// replay-html viewer: one rrweb player showing one window of the session.
//
// rrweb replays one window at a time from that window's own events, on a clock that starts at
// the first event it is given. A WindowPlayer holds a run of the window's chunks that starts
// with one a player can start from (the window's first, or one that begins with a full
// snapshot: loader.js), maps session time (from the recording's first event) to its clock,
// takes the next chunks as they are expanded (rrweb-player's addEvent), and works around rrweb
// stopping one event short of the end. Its controller stays hidden: the page has its own
// controls, timeline and clock (session.js).
//
// A seek redraws the moment from the last full snapshot before it (or, going forward, from the
// moment shown) by applying the events in between at once. rrweb can apply them straight to the
// replayed page, or build a virtual copy of the page, apply them there and write the result back
// once. The copy costs about as much as the page is big, but spares a layout for each scroll
// that follows a change: a seek picks whichever is faster for the changes it applies.

/** Up to how many page changes and scrolls a seek applies straight to the replayed page; past
 *  that, through rrweb's virtual copy. (Measured in Chromium on the benchmark's dashboard app,
 *  ~20,000-node pages: the end of its 100 MB recording, 63 of them after the last snapshot,
 *  takes 0.3 s straight and 0.75 s through the copy; with no snapshot after the first, the two
 *  are even at about 90, and at 230 the copy is twice as fast.) */
const DIRECT_SEEK_CHANGES = 80;

class WindowPlayer {
  /**
   * @param {HTMLElement} host     the element holding every window's player
   * @param {object} window        the window's summary: {id, start, end, chunks}
   * @param {number} base          the first chunk it holds (one a player can start from)
   * @param {object[][]} chunks    the events of chunks base, base + 1, ...
   * @param {{width: number, height: number}} size
   * @param {number} [at]          the session time to show first (its first moment if not given)
   */
  constructor(host, window, base, chunks, size, at) {
    this.window = window;
    this.base = base;
    /** Session time of its first event: its clock's zero. */
    this.origin = window.chunks[base].start;
    this.element = h('div', { class: 'window-player' });
    host.append(this.element);
    /** Draws an app's wireframes as a page (mobile.js); a web window's events pass through. */
    this.screen = new MobileScreen();
    const events = this.screen.convert(chunks.flat());
    /** On the player's clock (ms from its first event): its full snapshots and the events a
     *  seek pays for most, page changes and scrolls (see DIRECT_SEEK_CHANGES). */
    this.clockStart = events.length > 0 ? events[0].timestamp : 0;
    this.snapshotTimes = [];
    this.changeTimes = [];
    this.index(events);
    this.element.classList.toggle('is-mobile', this.screen.mobile);
    const Player = globalThis.rrwebPlayer.Player || globalThis.rrwebPlayer.default || globalThis.rrwebPlayer;
    this.player = new Player({
      target: this.element,
      props: {
        events,
        ...this.fit(size),
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
    // rrweb draws the first full snapshot it holds a moment after it is made (a timer of its
    // own), unless a seek has drawn one already: the frame is on screen only from then on.
    this.drawn = events.some((event) => event.type === 2)
      ? new Promise((resolve) => this.replayer.on('fullsnapshot-rebuilded', resolve))
      : Promise.resolve();
    // rrweb rebuilds a full snapshot into a document it opens (document.open) and never
    // closes: a replay frame left loading would hold back the page's own load event for good,
    // as the viewer starts before the page is read to its end. Closing it after each rebuild
    // changes nothing in the replayed page.
    const closeDocument = () => {
      const doc = this.replayer.iframe && this.replayer.iframe.contentDocument;
      if (!doc || doc.readyState === 'complete') return;
      const root = doc.documentElement;
      try {
        doc.close();
      } catch {
        // Firefox can refuse (InvalidStateError, seen when setWindow rebuilds a player):
        // the frame then stays as it was before this close existed, which Firefox plays.
        return;
      }
      // WebKit's parser, told the document ends, adds an <html> of its own beside rrweb's.
      for (const node of Array.from(doc.childNodes)) if (node.nodeType === 1 && node !== root) node.remove();
    };
    this.replayer.on('fullsnapshot-rebuilded', closeDocument);
    /** The last chunk it holds. */
    this.top = base + chunks.length - 1;
    /** The last seek: {session, local}. A window shows its first or last frame for moments
     *  outside its own span, while the session is still at the moment asked for, as long as
     *  the replayer has not moved since. */
    this.lastSeek = { session: this.origin, local: 0 };
    // (Drawn once, at the moment asked for: drawing it first at its start would rebuild the
    // snapshot twice, and Firefox can refuse the second rebuild in the same task.)
    this.seek(at === undefined ? this.origin : at, false);
    closeDocument();
  }

  /** Whether it holds the window's last chunk. */
  get complete() {
    return this.top === this.window.chunks.length - 1;
  }

  /** Adds the next chunk's events. */
  append(events) {
    const converted = this.screen.convert(events);
    this.index(converted);
    for (const event of converted) this.player.addEvent(event);
    this.top += 1;
  }

  /** Notes the times of the full snapshots, page changes and scrolls among some events. */
  index(events) {
    for (const event of events) {
      const time = event.timestamp - this.clockStart;
      if (event.type === 2) this.snapshotTimes.push(time);
      else if (event.type === 3 && event.data && (event.data.source === 0 || event.data.source === 3)) {
        this.changeTimes.push(time);
      }
    }
  }

  /** How many page changes and scrolls rrweb applies at once to show a moment of its clock:
   *  those since the last full snapshot before it, or since the moment shown when that is
   *  later (rrweb then goes on from there). */
  changesToApply(local) {
    let from = 0;
    for (const time of this.snapshotTimes) if (time <= local && time > from) from = time;
    const shown = this.replayer.getCurrentTime();
    if (shown < local && shown > from) from = shown;
    let count = 0;
    for (const time of this.changeTimes) if (time >= from && time < local) count += 1;
    return count;
  }

  /** Whether it holds what the window showed at a session time. (Before the window's first
   *  event, the window shows its first frame; a player from a later snapshot shows only
   *  moments after it, as rrweb shows a moment before that millisecond's events.) */
  covers(sessionTime) {
    const after = this.base === 0 || sessionTime > this.origin;
    return after && (this.complete || sessionTime <= this.window.chunks[this.top].end);
  }

  /** Duration of the window on the player's clock. */
  get length() {
    return this.window.end - this.origin;
  }

  /** The moment shown, in session time. */
  get sessionTime() {
    const local = this.replayer.getCurrentTime();
    if (Math.abs(local - this.lastSeek.local) < 1) return this.lastSeek.session;
    return this.origin + Math.min(Math.max(local, 0), this.length);
  }

  get isPlaying() {
    return this.replayer.service.state.matches('playing');
  }

  /** Shows the window at a session time (clamped to the window), then plays or stays paused. */
  seek(sessionTime, play) {
    const local = Math.min(Math.max(sessionTime - this.origin, 0), this.length);
    // rrweb applies, when seeking to t, only the events before t: the events of the very last
    // millisecond would stay unapplied. Going one millisecond past the end applies them all.
    // And it replays from the last snapshot at or before t, so a later snapshot of that very
    // millisecond would be the start and yet stay unapplied, leaving the frame as it was: half
    // a millisecond earlier shows the moment as rrweb shows any other, before its events.
    let offset = local;
    if (local >= this.length) offset = this.length + 1;
    else if (this.isSnapshotMoment(sessionTime)) offset = local - 0.5;
    this.replayer.setConfig({ useVirtualDom: this.changesToApply(offset) > DIRECT_SEEK_CHANGES });
    this.player.goto(offset, play && sessionTime >= this.origin && local < this.length);
    this.lastSeek = { session: sessionTime, local: offset };
  }

  /** Whether a full snapshot after the player's first comes at that very moment. (Each later
   *  snapshot starts a chunk: src/payload.rs.) */
  isSnapshotMoment(sessionTime) {
    return this.window.chunks.some((chunk, i) => i > this.base && chunk.snapshot && chunk.start === sessionTime);
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

  /** The player's size in a space: an app's screen leaves room for the phone's bezel. */
  fit(size) {
    if (!this.screen.mobile) return size;
    return { width: Math.max(size.width - 32, 80), height: Math.max(size.height - 32, 80) };
  }

  /** Fits the player to a size in CSS pixels. */
  resize(size) {
    this.player.$set(this.fit(size));
    this.player.triggerResize();
  }

  destroy() {
    this.pause();
    this.visible = false;
    // rrweb's own timer may still draw the first snapshot into the frame: let it first.
    this.drawn.then(() => {
      this.player.$destroy();
      this.element.remove();
    });
  }
}
