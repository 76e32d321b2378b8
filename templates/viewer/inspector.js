// replay-html viewer: the inspector panel — its tabs (Console, Network, Events) and the list
// of rows each tab shows: filtered, each seeking to its moment when clicked, with the row of
// the moment on screen highlighted as the replay plays.

function setupInspector(app) {
  const tabs = ['console', 'network', 'events'].map((name) => ({
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
      select(tabs[(index + step + tabs.length) % tabs.length].tab, true);
    });
  });

  setupConsole(app);
  setupNetwork(app);
  setupEvents(app);
}

/**
 * A list of inspector rows: renders them, filters them, seeks on click, and highlights the row
 * of the moment on screen (the last row at or before it).
 */
class RowList {
  /**
   * @param {App} app
   * @param {object} options
   * @param {HTMLElement} options.list     the <ol> to fill
   * @param {HTMLElement} options.empty    the note shown when no row is shown
   * @param {HTMLElement} options.count    the tab's count
   * @param {string} options.none          the note when the recording has no such row
   * @param {string} options.nothing       the note when the filter hides every row
   * @param {(inspector: object) => object[]} options.pick  the rows, from decodeInspector's
   * @param {(row: object) => Node[]} options.render   a row's content, after its time
   * @param {(row: object) => string} options.describe a row in words, for its time button
   * @param {(row: object) => boolean} options.matches whether the filter shows a row
   * @param {(row: object, item: HTMLElement) => void} [options.choose] what a click does besides seeking
   */
  constructor(app, options) {
    this.app = app;
    Object.assign(this, options);
    this.rows = [];
    this.items = [];
    this.current = null;
    this.lastUpdate = 0;
    this.pending = 0;
    app.addEventListener('timeupdate', () => this.highlightSoon());
    app.addEventListener('recordingchange', () => {
      this.show([]);
      const opened = app.inspector;
      opened.then((inspector) => {
        if (app.inspector === opened) this.show(this.pick(inspector));
      }, () => {});
    });
  }

  /** Fills the list with rows (sorted by time). */
  show(rows) {
    this.rows = rows;
    this.current = null;
    const several = this.app.summary.windows.length > 1;
    this.items = rows.map((row) => {
      const at = Math.max(row.t, 0);
      // Requests can start before the recording does (the page's own load, say).
      const before = row.t < 0 ? `${formatMs(-row.t)} before the recording started` : null;
      const time = h('button', {
        type: 'button',
        class: 'row-time',
        title: before,
        'aria-label': `Go to ${before || formatClock(at)}: ${this.describe(row)}`,
      }, before ? '<0:00' : formatClock(row.t));
      const item = h('li', { class: 'row' }, time, ...this.render(row),
        several ? h('span', { class: 'row-window', title: `Window ${row.window + 1}` }, `W${row.window + 1}`) : null);
      item.addEventListener('click', (event) => {
        if (event.target.closest('input, .row-detail')) return;
        this.app.seek(at);
        if (this.choose) this.choose(row, item);
      });
      return item;
    });
    this.list.replaceChildren(...this.items);
    this.count.textContent = rows.length > 0 ? String(rows.length) : '';
    this.refilter();
    this.highlight();
  }

  /** Shows only the rows the filter matches. */
  refilter() {
    let shown = 0;
    this.rows.forEach((row, index) => {
      const on = this.matches(row);
      this.items[index].hidden = !on;
      if (on) shown += 1;
    });
    this.empty.hidden = shown > 0;
    this.empty.textContent = this.rows.length === 0 ? this.none : this.nothing;
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
    const index = lastAtOrBefore(this.rows, this.app.time, 't');
    const item = index >= 0 ? this.items[index] : null;
    if (item === this.current) return;
    if (this.current) this.current.classList.remove('is-current');
    this.current = item;
    if (!item) return;
    item.classList.add('is-current');
    if (this.app.playing && !item.hidden && !this.list.closest('[hidden]')) scrollIntoList(item, this.list);
  }
}

/** Lower-case text for searching. */
function searchable(...parts) {
  return parts.filter((part) => part !== null && part !== undefined).join(' ').toLowerCase();
}
