// replay-html viewer: expanding a recording's events chunk by chunk, in the order the viewer
// needs them.
//
// Each window's events come in chunks (decode.js, src/payload.rs). A window's first chunk ends
// with its first full snapshot, and each later full snapshot starts a chunk of its own, so a
// player can be made from any such chunk ("snapshot" in the summary) and the ones after it: a
// moment far ahead needs only the chunks from the last snapshot before it. The loader expands
// one chunk at a time and yields to the browser between chunks (see yieldToBrowser): first what
// someone waits for (need), then the window on screen from its start, then the first chunk of
// every other window, then the rest, each once. It tells each chunk expanded with a 'chunk'
// event ({window, chunk}) and a 'progress' event, and resolves `complete` once every chunk has
// been expanded at least once.
//
// Memory stays bounded whatever the recording's length: the expanded chunks are kept up to a
// budget (the size of their JSON text, CACHE_BYTES unless setBudget says otherwise), and past
// it the least recently used are let go (never one someone is waiting for), to be expanded
// again from the page's compressed text if they are needed again.

/** Expanded events kept, by default: bytes of their JSON text (the heap holds about as much
 *  again for the objects). */
const CACHE_BYTES = 32 * 1024 * 1024;

/** While someone waits for chunks, the longest the loader works on them before it lets the
 *  browser draw and handle input (a chunk takes 20 to 60 ms). */
const WAITED_SLICE_MS = 100;

class ChunkLoader extends EventTarget {
  /**
   * @param {number} recording  index of the recording in the page
   * @param {object} summary    its summary
   */
  constructor(recording, summary) {
    super();
    this.recording = recording;
    this.windows = summary.windows;
    this.duration = summary.duration;
    /** Expanded events held, by window and chunk (undefined until expanded, or once let go). */
    this.events = this.windows.map((w) => new Array(w.chunks.length));
    /** Bytes of each chunk's JSON text, once expanded. */
    this.bytes = this.windows.map((w) => new Array(w.chunks.length).fill(0));
    /** Whether each chunk has been expanded at least once. */
    this.seen = this.windows.map((w) => new Array(w.chunks.length).fill(false));
    /** The chunks held, least recently used first: key "window:chunk" -> {window, chunk}. */
    this.recent = new Map();
    /** Bytes held, and the most to hold (see the top). */
    this.held = 0;
    this.budget = CACHE_BYTES;
    /** Chunks expanded at least once. */
    this.expanded = 0;
    this.total = this.windows.reduce((sum, w) => sum + w.chunks.length, 0);
    /** Promises waiting for chunks: {window, from, to, resolve, reject}. */
    this.waiting = [];
    /** The window loaded first in the background. */
    this.focus = 0;
    this.background = false;
    this.running = false;
    this.stopped = false;
    /** Ends the background yield under way, if any; when the work last resumed (pause). */
    this.wake = null;
    this.resumed = 0;
    /** Resolves once every chunk has been expanded; rejects if one cannot be, or the
     *  recording is closed first. */
    this.complete = new Promise((resolve, reject) => {
      this.settleComplete = { resolve, reject };
    });
    this.complete.catch(() => {});
    if (this.total === 0) this.settleComplete.resolve();
  }

  /** The chunk of a window that holds its events up to a session time. */
  chunkAt(window, time) {
    const chunks = this.windows[window].chunks;
    const index = chunks.findIndex((chunk) => chunk.end >= time);
    return index < 0 ? chunks.length - 1 : index;
  }

  /** The last chunk a player can start from (see the top) at or before `chunk`. */
  snapshotChunk(window, chunk) {
    const chunks = this.windows[window].chunks;
    let base = chunk;
    while (base > 0 && !chunks[base].snapshot) base -= 1;
    return base;
  }

  /** Whether chunks `from` to `to` (both included) of a window are expanded. */
  has(window, from, to) {
    return this.missing(window, from, to) < 0;
  }

  /** Resolves once chunks `from` to `to` of a window are expanded. */
  need(window, from, to) {
    if (this.has(window, from, to)) return Promise.resolve();
    const promise = new Promise((resolve, reject) => this.waiting.push({ window, from, to, resolve, reject }));
    // (Expanding in the background may be yielding to the browser, for as long as it is busy:
    // someone waiting does not wait for that.)
    if (this.wake) this.wake();
    this.run();
    return promise;
  }

  /** Bytes of JSON text of chunks `from` to `to` (both included) of a window, as expanded
   *  (whether still held or not). */
  textBytes(window, from, to) {
    let bytes = 0;
    for (let chunk = from; chunk <= to; chunk++) bytes += this.bytes[window][chunk];
    return bytes;
  }

  /** The events of an expanded chunk (see has), which counts as used now. */
  take(window, chunk) {
    const key = `${window}:${chunk}`;
    this.recent.delete(key);
    this.recent.set(key, { window, chunk });
    return this.events[window][chunk];
  }

  /** The most bytes of expanded events to keep; lets go of the least recently used chunks
   *  past it. */
  setBudget(bytes) {
    this.budget = bytes;
    this.trim();
  }

  /** Lets go of the least recently used chunks while more than the budget is held, but not of
   *  those someone waits for. */
  trim() {
    if (this.held <= this.budget) return;
    const wanted = (window, chunk) => this.waiting.some((w) => w.window === window && w.from <= chunk && chunk <= w.to);
    for (const [key, { window, chunk }] of this.recent) {
      if (this.held <= this.budget) break;
      if (wanted(window, chunk)) continue;
      this.recent.delete(key);
      this.events[window][chunk] = undefined;
      this.held -= this.bytes[window][chunk];
    }
  }

  /** Event `index` of a window (its place among all the window's events), or null; expands
   *  the chunk that holds it first if need be. */
  async event(window, index) {
    let first = 0;
    for (const [chunk, { events }] of this.windows[window].chunks.entries()) {
      if (index < first + events) {
        while (!this.has(window, chunk, chunk)) await this.need(window, chunk, chunk);
        return this.take(window, chunk)[index - first] || null;
      }
      first += events;
    }
    return null;
  }

  /** Goes on expanding everything once, the given window first. */
  loadAll(focus) {
    this.focus = focus;
    this.background = true;
    this.run();
  }

  /** Expanded chunks out of all of them, 0 to 1. */
  get fraction() {
    return this.expanded / this.total;
  }

  /** Session time up to which every window's events have all been expanded. */
  get loadedThrough() {
    let through = this.duration;
    this.windows.forEach((w, i) => {
      const prefix = this.seen[i].indexOf(false);
      if (prefix < 0) return;
      through = Math.min(through, prefix === 0 ? w.start : w.chunks[prefix - 1].end);
    });
    return through;
  }

  stop() {
    this.stopped = true;
    const closed = new Error('the recording was closed');
    for (const waiter of this.waiting.splice(0)) waiter.reject(closed);
    this.settleComplete.reject(closed);
  }

  /** The first chunk not yet expanded of a window, from `from` to `to`, or -1. */
  missing(window, from = 0, to = this.windows[window].chunks.length - 1) {
    for (let chunk = from; chunk <= to; chunk++) if (!this.events[window][chunk]) return chunk;
    return -1;
  }

  /** The next chunk to expand, or null: what someone waits for, else in the background the
   *  next never expanded. */
  next() {
    for (const wanted of this.waiting) {
      const chunk = this.missing(wanted.window, wanted.from, wanted.to);
      if (chunk >= 0) return { window: wanted.window, chunk };
    }
    if (!this.background) return null;
    const focused = this.seen[this.focus].indexOf(false);
    if (focused >= 0) return { window: this.focus, chunk: focused };
    const unstarted = this.windows.findIndex((_, w) => !this.seen[w][0]);
    if (unstarted >= 0) return { window: unstarted, chunk: 0 };
    const rest = this.windows.findIndex((_, w) => this.seen[w].includes(false));
    return rest >= 0 ? { window: rest, chunk: this.seen[rest].indexOf(false) } : null;
  }

  /** Yields to the browser between two chunks (see yieldToBrowser). While someone waits, only
   *  once WAITED_SLICE_MS of work have passed since the last yield: the browser, still reading
   *  the page, can take far longer than a chunk's work before it hands back. A background
   *  yield waits for the browser to be idle, which it is not while it reads the page: someone
   *  starting to wait for a chunk meanwhile (need) ends it at once. */
  async pause() {
    if (this.waiting.length > 0) {
      if (performance.now() - this.resumed < WAITED_SLICE_MS) return;
      await yieldToBrowser(true);
    } else {
      await new Promise((resolve) => {
        this.wake = resolve;
        yieldToBrowser(false).then(resolve);
      });
      this.wake = null;
    }
    this.resumed = performance.now();
  }

  async run() {
    if (this.running) return;
    this.running = true;
    this.resumed = performance.now();
    try {
      for (let next = this.next(); next && !this.stopped; next = this.next()) {
        const { events, bytes } = await decodeChunk(this.recording, next.window, next.chunk);
        if (this.stopped) return;
        this.events[next.window][next.chunk] = events;
        this.bytes[next.window][next.chunk] = bytes;
        this.held += bytes;
        this.take(next.window, next.chunk);
        // (Before the waiters are told: what they wait for is kept.)
        this.trim();
        if (!this.seen[next.window][next.chunk]) {
          this.seen[next.window][next.chunk] = true;
          this.expanded += 1;
          if (this.expanded === this.total) this.settleComplete.resolve();
        }
        this.dispatchEvent(new CustomEvent('chunk', { detail: next }));
        this.waiting = this.waiting.filter((waiter) => {
          if (!this.has(waiter.window, waiter.from, waiter.to)) return true;
          waiter.resolve();
          return false;
        });
        this.dispatchEvent(new Event('progress'));
        await this.pause();
      }
    } catch (error) {
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
      this.settleComplete.reject(error);
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
