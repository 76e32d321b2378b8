// replay-html viewer, part 3 of 3: the page and its JavaScript API.
//
// window.replayHtml is defined before anything is decoded, so a host page or a test can wait
// on it:
//   ready          Promise: resolves once the first frame is drawn; rejects with a readable
//                  message when the file cannot be played
//   duration       ms from the first to the last event of the whole recording
//   windows        window ids, in order of first appearance
//   currentWindow  id of the window on screen
//   currentTime    session time on screen, in ms from the first event
//   setWindow(id)  show that window as it is at the current time (Promise)
//   goto(ms)       show the session at that time, in ms from the first event (Promise)
//   play(), pause(), setSpeed(x)

const elements = {
  stage: document.getElementById('stage'),
  player: document.getElementById('player'),
  message: document.getElementById('message'),
  facts: document.getElementById('facts'),
  windowPicker: document.getElementById('window-picker'),
  windowSelect: document.getElementById('window-select'),
};

let summary = null;
let settle = null;
const ready = new Promise((resolve, reject) => {
  settle = { resolve, reject };
});
// A failure is shown in the page; a host that does not listen should not see it as unhandled.
ready.catch(() => {});

const state = {
  windowIndex: 0,
  /** @type {WindowPlayer|null} */
  player: null,
  speed: 1,
  /** Decoded events by window index (promises, so each window is expanded once). */
  events: new Map(),
  /** The last requested change; calls are run one after the other. */
  queue: Promise.resolve(),
};

try {
  summary = readSummaries()[0];
} catch (error) {
  fail(error);
}

const api = {
  ready,
  duration: summary ? summary.duration : 0,
  windows: summary ? summary.windows.map((w) => w.id) : [],
  get currentWindow() {
    return summary ? summary.windows[state.windowIndex].id : null;
  },
  get currentTime() {
    return state.player ? state.player.sessionTime : 0;
  },
  setWindow(id) {
    const index = summary ? summary.windows.findIndex((w) => w.id === String(id)) : -1;
    if (index < 0) return Promise.reject(new Error(`there is no window ${JSON.stringify(id)} in this recording`));
    return enqueue(() => showWindow(index, api.currentTime, state.player ? state.player.isPlaying : false));
  },
  goto(ms) {
    const time = Number(ms);
    if (!Number.isFinite(time)) return Promise.reject(new Error(`goto needs a number of milliseconds, not ${JSON.stringify(ms)}`));
    return enqueue(() => {
      if (state.player) state.player.seek(Math.min(Math.max(time, 0), api.duration), state.player.isPlaying);
    });
  },
  play() {
    return enqueue(() => state.player && state.player.play());
  },
  pause() {
    return enqueue(() => state.player && state.player.pause());
  },
  setSpeed(speed) {
    const value = Number(speed);
    if (!(value > 0)) return Promise.reject(new Error(`setSpeed needs a positive number, not ${JSON.stringify(speed)}`));
    state.speed = value;
    return enqueue(() => state.player && state.player.setSpeed(value));
  },
};
Object.defineProperty(window, 'replayHtml', { value: Object.freeze(api), enumerable: true });

/** Runs changes one after the other, so a goto never races a window switch. */
function enqueue(change) {
  const next = state.queue.then(() => ready).then(change);
  state.queue = next.catch(() => {});
  return next.then(() => undefined);
}

function windowEvents(index) {
  if (!state.events.has(index)) {
    state.events.set(index, decodeWindowEvents(0, index, summary.windows[index].chunks.length));
  }
  return state.events.get(index);
}

/** Replaces the player with one for window `index`, at a session time. */
async function showWindow(index, sessionTime, play) {
  const events = await windowEvents(index);
  if (state.player) state.player.destroy();
  state.player = new WindowPlayer(elements.player, summary.windows[index], events, { speed: state.speed });
  state.windowIndex = index;
  state.player.seek(sessionTime, play);
  elements.windowSelect.value = String(index);
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

function fail(error) {
  const message = `This replay cannot be played: ${error && error.message ? error.message : error}`;
  elements.message.textContent = message;
  elements.message.hidden = false;
  elements.stage.classList.add('failed');
  settle.reject(new Error(message));
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function addFact(label, value, title) {
  if (value === null || value === undefined || value === '') return;
  const term = document.createElement('dt');
  term.textContent = label;
  const detail = document.createElement('dd');
  detail.textContent = value;
  if (title) detail.title = title;
  elements.facts.append(term, detail);
}

function showFacts() {
  const start = new Date(summary.startTimestamp);
  addFact('Session', summary.sessionId);
  addFact('Started', start.toLocaleString(), start.toISOString());
  addFact('Duration', formatDuration(summary.duration));
  addFact('First URL', summary.firstUrl);
}

function buildWindowPicker() {
  if (summary.windows.length < 2) return;
  summary.windows.forEach((w, index) => {
    const option = document.createElement('option');
    option.value = String(index);
    const ends = index === summary.initialWindow ? ', session ends here' : '';
    option.textContent = `${index + 1} of ${summary.windows.length} (from ${formatDuration(w.start)}${ends})`;
    elements.windowSelect.append(option);
  });
  elements.windowSelect.addEventListener('change', () => {
    api.setWindow(summary.windows[Number(elements.windowSelect.value)].id);
  });
  elements.windowPicker.hidden = false;
}

/** The window that holds the session's last event: where the page starts. */
function lastWindow() {
  let last = 0;
  summary.windows.forEach((w, index) => {
    if (w.end >= summary.windows[last].end) last = index;
  });
  return last;
}

async function start() {
  showFacts();
  summary.initialWindow = lastWindow();
  buildWindowPicker();
  const first = summary.windows[summary.initialWindow];
  await showWindow(summary.initialWindow, first.start, false);
  await nextFrame();
  const iframe = state.player.iframe;
  if (!iframe || !iframe.contentDocument || !iframe.contentDocument.documentElement) {
    throw new Error('the player drew no page from the first snapshot');
  }
  elements.message.hidden = true;
  let resizeTimer = 0;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => state.player && state.player.resize(), 100);
  }).observe(elements.player);
  settle.resolve();
}

if (summary) start().catch(fail);
