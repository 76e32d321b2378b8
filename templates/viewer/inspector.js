// replay-html viewer: the inspector panel — its tabs (Notes, Console, Network, Events) and the list
// of rows each tab shows: filtered, each seeking to its moment when clicked, with the row of
// the moment on screen highlighted as the replay plays. A list makes elements only of the rows
// in view (RowList), so a recording with 100,000 rows costs no more to open than one without.

function setupInspector(app) {
  const tabs = ['notes', 'console', 'network', 'events'].map((name) => ({
    tab: byId(`tab-${name}`),
    panel: byId(`panel-${name}`),
  }));
  const select = (chosen, focus) => {
    for (const { tab, panel } of tabs) {
      const on = tab === chosen;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
    if (focus) chosen.focus();
  };
  tabs.forEach(({ tab }, index) => {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (!step) return;
      event.preventDefault();
      event.stopPropagation();
      // The Notes tab is hidden when the recording has no notes.
      const shown = tabs.filter(({ tab: t }) => !t.hidden);
      const at = shown.findIndex(({ tab: t }) => t === tab);
      select(shown[(at + step + shown.length) % shown.length].tab, true);
    });
  });

  setupNotes(app, (tab) => select(tab, false));
  setupConsole(app);
  setupNetwork(app);
  setupEvents(app);
}

/** A row's height before it is drawn, in CSS pixels (one line of text). */
const ROW_ESTIMATE = 29;
/** Pixels drawn beyond the visible part of a list, above and below. */
const ROW_MARGIN = 600;
/** Most rows drawn at once, whatever the heights. */
const MAX_DRAWN = 200;

/**
 * A list of inspector rows: filters them, seeks on click, and highlights the row of the moment
 * on screen (the last row at or before it).
 *
 * Only the rows in view, and a margin around them, are elements: the list is virtual. It keeps
 * each row's height once drawn (a ResizeObserver tells it, after layout, so nothing ever forces
 * one) and an estimate for the others, and two stand-ins, above and below the rows drawn, take
 * the height of those it leaves out. Counting, filtering and searching go over the rows' data
 * (each row's lower-case text is made once, when the browser is idle or at the first search);
 * following the replay scrolls from the known heights, without measuring the list.
 */
class RowList {
  /**
   * @param {App} app
   * @param {object} options
   * @param {HTMLElement} options.list     the <ol> to fill (it scrolls)
   * @param {HTMLElement} options.empty    the note shown when no row is shown
   * @param {HTMLElement} options.count    the tab's count
   * @param {string} options.none          the note when the recording has no such row
   * @param {string} options.nothing       the note when the filter hides every row
   * @param {(inspector: object) => object[]} options.pick  the rows, from decodeInspector's
   * @param {(row: object) => Node[]} options.render   a row's content, after its time
   * @param {(row: object) => string} options.describe a row in words, for its time button
   * @param {(row: object) => string} options.text     what a search looks in (searchable())
   * @param {() => {words: string, accept: ((row: object) => boolean) | null}} options.filter
   *   the filter as it is set: the words searched for (lower case, or ''), and a test of a
   *   row for the rest (or null)
   * @param {(row: object) => void} [options.choose] what a click does besides seeking
   */
  constructor(app, options) {
    this.app = app;
    Object.assign(this, options);
    this.rows = [];
    /** Lower-case searchable text by row (searchTexts). */
    this.texts = null;
    /** Indices of the rows the filter shows, in order. */
    this.shown = [];
    /** Height of each row once drawn (0: not yet). */
    this.heights = new Float32Array(0);
    /** Top of each shown row in the list (and the end), or null when to be worked out. */
    this.offsets = null;
    /** Drawn rows: index -> <li>. */
    this.drawn = new Map();
    /** The row of the moment on screen, and the row chosen by a click (indices, or -1). */
    this.current = -1;
    this.chosen = -1;
    this.scrollTop = 0;
    this.viewHeight = 0;
    this.frame = 0;
    this.lastUpdate = 0;
    this.pending = 0;
    this.list.style.overflowAnchor = 'none';
    /** Stand-ins for the rows above and below those drawn, as tall as they are. */
    this.above = h('li', { class: 'rows-spacer', 'aria-hidden': 'true' });
    this.below = h('li', { class: 'rows-spacer', 'aria-hidden': 'true' });
    this.list.addEventListener('scroll', () => {
      this.scrollTop = this.list.scrollTop;
      this.drawSoon();
    }, { passive: true });
    this.sizes = new ResizeObserver((entries) => this.measured(entries));
    this.sizes.observe(this.list);
    app.addEventListener('timeupdate', () => this.highlightSoon());
    app.addEventListener('recordingchange', () => {
      this.show([]);
      const opened = app.inspector;
      opened.then((inspector) => {
        if (app.inspector === opened) this.show(this.pick(inspector));
      }, () => {});
    });
  }

  /** Takes a recording's rows (sorted by time). */
  show(rows) {
    this.rows = rows;
    this.texts = null;
    this.heights = new Float32Array(rows.length);
    this.current = -1;
    this.chosen = -1;
    for (const item of this.drawn.values()) this.sizes.unobserve(item);
    this.drawn.clear();
    this.list.replaceChildren(this.above, this.below);
    this.list.scrollTop = 0;
    this.scrollTop = 0;
    this.count.textContent = rows.length > 0 ? String(rows.length) : '';
    this.current = this.currentIndex();
    this.refilter();
    // The texts a search looks in are made when the browser is idle, so that the first search
    // is as quick as the next.
    if (rows.length > 0 && typeof requestIdleCallback === 'function') {
      requestIdleCallback(() => {
        if (this.rows === rows) this.searchTexts();
      });
    }
  }

  /** Shows only the rows the filter matches. */
  refilter() {
    const { words, accept } = this.filter();
    const rows = this.rows;
    const shown = [];
    const texts = words ? this.searchTexts() : null;
    for (let index = 0; index < rows.length; index++) {
      if ((!accept || accept(rows[index])) && (!texts || texts[index].includes(words))) shown.push(index);
    }
    this.shown = shown;
    this.offsets = null;
    this.empty.hidden = this.shown.length > 0;
    this.empty.textContent = this.rows.length === 0 ? this.none : this.nothing;
    this.list.setAttribute('aria-rowcount', String(this.shown.length));
    this.draw();
  }

  /** Each row's lower-case searchable text, made at the first search. */
  searchTexts() {
    if (!this.texts) this.texts = this.rows.map(this.text);
    return this.texts;
  }

  /** The top of each shown row, from the heights known and the estimate for the rest. */
  layout() {
    if (this.offsets) return this.offsets;
    const offsets = new Float64Array(this.shown.length + 1);
    let top = 0;
    for (let p = 0; p < this.shown.length; p++) {
      offsets[p] = top;
      top += this.heights[this.shown[p]] || ROW_ESTIMATE;
    }
    offsets[this.shown.length] = top;
    this.offsets = offsets;
    return offsets;
  }

  /** The place among the shown rows at a height in the list. */
  placeAt(y) {
    const offsets = this.layout();
    let low = 0;
    let high = this.shown.length - 1;
    let place = 0;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (offsets[middle] <= y) {
        place = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return place;
  }

  /** The place of a row among the shown ones, or -1 when the filter hides it. */
  placeOf(index) {
    const place = lastAtOrBeforeValue(this.shown, index);
    return place >= 0 && this.shown[place] === index ? place : -1;
  }

  drawSoon() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Makes elements of the rows in view and a margin around them, and only of those. */
  draw() {
    const offsets = this.layout();
    const count = this.shown.length;
    const total = offsets[count];
    // Before the list is laid out (or while its tab is hidden), its height is unknown: the
    // rows of a screenful are drawn.
    const height = this.viewHeight || 800;
    const top = Math.min(this.scrollTop, Math.max(0, total - height));
    let first = count > 0 ? this.placeAt(top - ROW_MARGIN) : 0;
    let last = count > 0 ? this.placeAt(top + height + ROW_MARGIN) : -1;
    if (last - first + 1 > MAX_DRAWN) {
      first = Math.max(0, this.placeAt(top) - MAX_DRAWN / 4);
      last = Math.min(count - 1, first + MAX_DRAWN - 1);
    }
    const wanted = new Set();
    for (let p = first; p <= last; p++) wanted.add(this.shown[p]);
    for (const [index, item] of this.drawn) {
      if (wanted.has(index)) continue;
      this.sizes.unobserve(item);
      item.remove();
      this.drawn.delete(index);
    }
    let next = this.above.nextElementSibling;
    for (let p = first; p <= last; p++) {
      const index = this.shown[p];
      let item = this.drawn.get(index);
      if (!item) {
        item = this.make(index);
        this.drawn.set(index, item);
        this.sizes.observe(item);
      }
      item.setAttribute('aria-rowindex', String(p + 1));
      if (item === next) next = next.nextElementSibling;
      else this.list.insertBefore(item, next);
    }
    this.above.style.height = `${count > 0 ? offsets[first] : 0}px`;
    this.below.style.height = `${count > 0 ? total - offsets[last + 1] : 0}px`;
  }

  /** The element of a row. */
  make(index) {
    const row = this.rows[index];
    const at = Math.max(row.t, 0);
    // Requests can start before the recording does (the page's own load, say).
    const before = row.t < 0 ? `${formatMs(-row.t)} before the recording started` : null;
    const time = h('button', {
      type: 'button',
      class: 'row-time',
      title: before,
      'aria-label': `Go to ${before || formatClock(at)}: ${this.describe(row)}`,
    }, before ? '<0:00' : formatClock(row.t));
    const several = this.app.summary.windows.length > 1;
    const classes = `row${index === this.current ? ' is-current' : ''}${index === this.chosen ? ' is-chosen' : ''}`;
    const item = h('li', { class: classes, 'data-index': index }, time, ...this.render(row),
      several ? h('span', { class: 'row-window', title: `Window ${row.window + 1}` }, `W${row.window + 1}`) : null);
    item.addEventListener('click', (event) => {
      if (event.target.closest('input, .row-detail')) return;
      this.app.seek(at);
      if (this.choose) {
        this.mark('chosen', 'is-chosen', index);
        this.choose(row);
      }
    });
    return item;
  }

  /** Heights from the ResizeObserver: the list's own, or drawn rows'. */
  measured(entries) {
    let changed = false;
    for (const entry of entries) {
      const size = entry.borderBoxSize && entry.borderBoxSize[0];
      const height = size ? size.blockSize : entry.contentRect.height;
      if (entry.target === this.list) {
        const view = entry.contentRect.height;
        if (view !== this.viewHeight) {
          this.viewHeight = view;
          changed = true;
        }
        continue;
      }
      const index = Number(entry.target.dataset.index);
      if (height > 0 && this.heights[index] !== height) {
        this.heights[index] = height;
        this.offsets = null;
        changed = true;
      }
    }
    if (changed) this.drawSoon();
  }

  /** Moves a class from one row to another ('current' or 'chosen'). */
  mark(which, className, index) {
    const old = this.drawn.get(this[which]);
    if (old) old.classList.remove(className);
    this[which] = index;
    const item = this.drawn.get(index);
    if (item) item.classList.add(className);
  }

  /** The index of the row of the moment on screen, or -1. */
  currentIndex() {
    return lastAtOrBefore(this.rows, this.app.time, 't');
  }

  /** Highlights the current row, a few times a second at most, and after the last change. */
  highlightSoon() {
    if (this.pending) return;
    const wait = Math.max(0, 200 - (performance.now() - this.lastUpdate));
    this.pending = setTimeout(() => {
      this.pending = 0;
      this.lastUpdate = performance.now();
      this.highlight();
    }, wait);
  }

  highlight() {
    const index = this.currentIndex();
    if (index === this.current) return;
    this.mark('current', 'is-current', index);
    // While playing, the list follows, when its tab is on screen (its height is known then).
    if (index < 0 || !this.app.playing || this.viewHeight === 0) return;
    const place = this.placeOf(index);
    if (place < 0) return;
    const offsets = this.layout();
    let top = null;
    if (offsets[place] < this.scrollTop) top = offsets[place];
    else if (offsets[place + 1] > this.scrollTop + this.viewHeight) top = offsets[place + 1] - this.viewHeight;
    if (top === null) return;
    // A step of a screenful or so glides; a jump (after a seek, or a scroll away) is made at
    // once, or the list would never catch up with the replay.
    const near = Math.abs(top - this.scrollTop) < 2 * this.viewHeight;
    if (near && !reducedMotion()) {
      this.list.scrollTo({ top, behavior: 'smooth' });
      return;
    }
    this.list.scrollTop = top;
    this.scrollTop = top;
    this.draw();
  }
}

/** The place of the last number at or before a value, in sorted numbers; -1 when none. */
function lastAtOrBeforeValue(numbers, value) {
  let low = 0;
  let high = numbers.length - 1;
  let place = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (numbers[middle] <= value) {
      place = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return place;
}

/** Lower-case text for searching. */
function searchable(...parts) {
  let text = '';
  for (const part of parts) {
    if (part !== null && part !== undefined) text = text ? `${text} ${part}` : String(part);
  }
  return text.toLowerCase();
}
