// replay-html viewer: window.replayHtml, the page's JavaScript API for host pages and tests
// (README, "JavaScript API"). It is defined before anything is decoded; its changes run one
// after the other, each once the recording's first frame is drawn, so a goto never races a
// window switch.

/**
 * Defines window.replayHtml.
 * @param {App|null} app   null when the page's data cannot be read
 * @param {Promise} ready  resolves once the first frame is drawn
 */
function defineApi(app, ready) {
  let queue = Promise.resolve();
  const enqueue = (change) => {
    const next = queue.then(() => ready).then(() => app.opening).then(change);
    queue = next.catch(() => {});
    return next.then(() => undefined);
  };
  const windowIndex = (id) => {
    const index = app && app.summary ? app.summary.windows.findIndex((w) => w.id === String(id)) : -1;
    if (index < 0) throw new Error(`there is no window ${JSON.stringify(id)} in this recording`);
    return index;
  };
  const windowId = (index) => (index === null || !app.summary ? null : app.summary.windows[index].id);

  const api = {
    ready,
    /** Resolves once every chunk of the open recording has been expanded (after `ready`). */
    get loaded() {
      if (!app) return ready.then(() => undefined);
      return ready.then(() => app.session.loader.complete);
    },
    get duration() {
      return app && app.summary ? app.summary.duration : 0;
    },
    get windows() {
      return app && app.summary ? app.summary.windows.map((w) => w.id) : [];
    },
    get currentWindow() {
      return app && app.session ? windowId(app.session.current) : null;
    },
    /** The pinned window's id, or null while the replay follows the session. */
    get pinnedWindow() {
      return app && app.session ? windowId(app.session.pinned) : null;
    },
    get currentTime() {
      return app ? app.time : 0;
    },
    get playing() {
      return Boolean(app && app.playing);
    },
    get speed() {
      return app ? app.speed : 1;
    },
    get skipInactive() {
      return Boolean(app && app.skipInactive);
    },
    get recordings() {
      return app ? app.summaries.map((_, index) => app.recordingId(index)) : [];
    },
    get currentRecording() {
      return app && app.recording !== null ? app.recordingId(app.recording) : null;
    },
    setWindow(id) {
      return enqueue(() => app.session.pin(windowIndex(id)));
    },
    follow() {
      return enqueue(() => app.session.pin(null));
    },
    goto(ms) {
      const time = Number(ms);
      if (ms === null || ms === '' || !Number.isFinite(time)) {
        return Promise.reject(new Error(`goto needs a number of milliseconds, not ${JSON.stringify(ms)}`));
      }
      return enqueue(() => app.seek(time));
    },
    play() {
      return enqueue(() => app.play());
    },
    pause() {
      return enqueue(() => app.pause());
    },
    setSpeed(speed) {
      const value = Number(speed);
      if (!SPEEDS.includes(value)) {
        return Promise.reject(new Error(`setSpeed takes one of ${SPEEDS.join(', ')}, not ${JSON.stringify(speed)}`));
      }
      return enqueue(() => app.setSpeed(value));
    },
    setSkipInactive(skip) {
      return enqueue(() => app.setSkipInactive(Boolean(skip)));
    },
    /** Keeps at most about `mb` MB of expanded events (their JSON text) in memory, from now on
     *  and for every recording opened later; applies at once, without waiting for `ready`. */
    setCacheSize(mb) {
      const value = Number(mb);
      if (mb === null || mb === '' || !(value > 0)) {
        return Promise.reject(new Error(`setCacheSize takes a number of megabytes above 0, not ${JSON.stringify(mb)}`));
      }
      if (app) {
        app.cacheBytes = value * 1e6;
        if (app.session) app.session.loader.setBudget(app.cacheBytes);
      }
      return Promise.resolve();
    },
    select(id) {
      const index = app ? app.recordingIndex(id) : -1;
      if (index < 0) return Promise.reject(new Error(`there is no recording ${JSON.stringify(id)} in this page`));
      return enqueue(() => (index === app.recording ? undefined : app.open(index, 0)));
    },
  };
  Object.defineProperty(window, 'replayHtml', { value: Object.freeze(api), enumerable: true });
  return api;
}
