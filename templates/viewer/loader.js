// replay-html viewer: expanding a recording's events chunk by chunk, in the order the viewer
// needs them.
//
// Each window's events come in chunks (decode.js); the first ends with the window's first full
// snapshot, so a frame can be drawn from it alone. The loader expands one chunk at a time and
// yields to the browser between chunks (see yieldToBrowser): first what someone waits for (need), then the window
// on screen, then the first chunk of every other window, then the rest. It reports its
// progress with 'progress' events; `loadedThrough` is the session time up to which every
// window holds all its events.

class ChunkLoader extends EventTarget {
  /**
   * @param {number} recording  index of the recording in the page
   * @param {object} summary    its summary
   * @param {(window: number, chunk: number, events: object[]) => void} deliver
   */
  constructor(recording, summary, deliver) {
    super();
    this.recording = recording;
    this.windows = summary.windows;
    this.duration = summary.duration;
    this.deliver = deliver;
    /** Chunks delivered, per window. */
    this.done = this.windows.map(() => 0);
    /** Promises waiting for chunks: {window, count, resolve, reject}. */
    this.waiting = [];
    /** The window loaded first in the background. */
    this.focus = 0;
    this.background = false;
    this.running = false;
    this.stopped = false;
    this.total = this.windows.reduce((sum, w) => sum + w.chunks.length, 0);
  }

  /** How many chunks of a window hold every event up to a session time. */
  chunksFor(window, time) {
    const chunks = this.windows[window].chunks;
    const index = chunks.findIndex((chunk) => chunk.end >= time);
    return index < 0 ? chunks.length : index + 1;
  }

  /** Whether a window's events up to a session time are delivered. */
  has(window, time) {
    return this.done[window] >= this.chunksFor(window, time);
  }

  /** Resolves once a window's events up to a session time are delivered. */
  need(window, time) {
    const count = this.chunksFor(window, time);
    if (this.done[window] >= count) return Promise.resolve();
    const promise = new Promise((resolve, reject) => this.waiting.push({ window, count, resolve, reject }));
    this.run();
    return promise;
  }

  /** Goes on expanding everything, the given window first. */
  loadAll(focus) {
    this.focus = focus;
    this.background = true;
    this.run();
  }

  /** Delivered chunks out of all of them, 0 to 1. */
  get fraction() {
    return this.done.reduce((sum, n) => sum + n, 0) / this.total;
  }

  /** Session time up to which every window holds all its events. */
  get loadedThrough() {
    let through = this.duration;
    this.windows.forEach((w, i) => {
      if (this.done[i] < w.chunks.length) through = Math.min(through, this.done[i] === 0 ? w.start : w.chunks[this.done[i] - 1].end);
    });
    return through;
  }

  stop() {
    this.stopped = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('the recording was closed'));
  }

  /** The next chunk to expand, or null. */
  next() {
    const wanted = this.waiting[0];
    if (wanted) return { window: wanted.window, chunk: this.done[wanted.window] };
    if (!this.background) return null;
    const unfinished = (w) => this.done[w] < this.windows[w].chunks.length;
    if (unfinished(this.focus)) return { window: this.focus, chunk: this.done[this.focus] };
    const unstarted = this.windows.findIndex((_, w) => this.done[w] === 0);
    if (unstarted >= 0) return { window: unstarted, chunk: 0 };
    const rest = this.windows.findIndex((_, w) => unfinished(w));
    return rest >= 0 ? { window: rest, chunk: this.done[rest] } : null;
  }

  async run() {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.next(); next && !this.stopped; next = this.next()) {
        const events = await decodeChunk(this.recording, next.window, next.chunk);
        if (this.stopped) return;
        this.deliver(next.window, next.chunk, events);
        this.done[next.window] += 1;
        this.waiting = this.waiting.filter((waiter) => {
          if (this.done[waiter.window] < waiter.count) return true;
          waiter.resolve();
          return false;
        });
        this.dispatchEvent(new Event('progress'));
        await yieldToBrowser(this.waiting.length > 0);
      }
    } catch (error) {
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
      this.dispatchEvent(new CustomEvent('error', { detail: error }));
    } finally {
      this.running = false;
    }
  }
}

/**
 * Lets the browser draw, and handle input and other tasks, before the next piece of work.
 * While someone waits for a chunk, the work goes on as soon as the browser has drawn
 * (`scheduler.yield`); expanding in the background goes after every other task (a
 * 'background' task), so that timers, messages from a host page and the like are not held up.
 */
function yieldToBrowser(someoneWaits) {
  const scheduler = globalThis.scheduler;
  if (someoneWaits && scheduler && typeof scheduler.yield === 'function') return scheduler.yield();
  if (scheduler && typeof scheduler.postTask === 'function') return scheduler.postTask(() => {}, { priority: 'background' });
  return new Promise((resolve) => setTimeout(resolve, 0));
}
