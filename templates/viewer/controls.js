// replay-html viewer: the control bar and the stage around the replay. Play and pause, skip
// 10 s, the clock, speed, inactivity skipping, which window is on screen (following the
// session, or pinned), full screen and the inspector's toggle; the stage's messages (loading,
// waiting, failure) and its window badge.

function setupControls(app) {
  const play = byId('play');
  const clockNow = byId('clock-now');
  const clockTotal = byId('clock-total');
  const speed = byId('speed');
  const skipInactive = byId('skip-inactive');
  const windowField = byId('window-field');
  const windowSelect = byId('window-select');
  const badge = byId('window-badge');
  const message = byId('message');
  const fullscreen = byId('fullscreen');
  const inspectorToggle = byId('toggle-inspector');

  for (const value of SPEEDS) speed.append(h('option', { value }, `${value}×`));
  speed.value = String(app.speed);
  skipInactive.checked = app.skipInactive;

  play.addEventListener('click', () => app.toggle());
  byId('back').addEventListener('click', () => app.skip(-10_000));
  byId('forward').addEventListener('click', () => app.skip(10_000));
  speed.addEventListener('change', () => app.setSpeed(Number(speed.value)));
  skipInactive.addEventListener('change', () => app.setSkipInactive(skipInactive.checked));
  windowSelect.addEventListener('change', () => {
    const value = windowSelect.value;
    app.session.pin(value === 'follow' ? null : Number(value));
    updateWindow();
  });
  app.addEventListener('settingschange', () => {
    speed.value = String(app.speed);
    skipInactive.checked = app.skipInactive;
  });

  if (!document.fullscreenEnabled) fullscreen.hidden = true;
  fullscreen.addEventListener('click', () => toggleFullscreen());
  document.addEventListener('fullscreenchange', () => {
    const on = document.fullscreenElement !== null;
    fullscreen.setAttribute('aria-label', on ? 'Leave full screen' : 'Full screen');
    fullscreen.setAttribute('aria-pressed', String(on));
  });

  const setInspector = (open) => {
    document.documentElement.classList.toggle('inspector-closed', !open);
    inspectorToggle.setAttribute('aria-expanded', String(open));
  };
  setInspector(app.settings.inspectorOpen !== false);
  inspectorToggle.addEventListener('click', () => setInspector(inspectorToggle.getAttribute('aria-expanded') !== 'true'));

  const updateClock = () => {
    const text = formatClock(app.time);
    if (clockNow.textContent !== text) clockNow.textContent = text;
  };

  const updateState = () => {
    const session = app.session;
    const playing = session.playing;
    play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    play.title = playing ? 'Pause (space)' : 'Play (space)';
    play.firstElementChild.className = `glyph glyph-${playing ? 'pause' : 'play'}`;
    if (session.waiting) {
      message.textContent = session.waiting;
      message.hidden = false;
    } else if (!message.classList.contains('is-failure')) {
      message.hidden = true;
    }
  };

  const updateWindow = () => {
    const session = app.session;
    const windows = app.summary.windows;
    if (windows.length < 2 || session.current === null) {
      badge.hidden = true;
      return;
    }
    const shown = windows[session.current];
    const time = app.time;
    let text = `Window ${session.current + 1} of ${windows.length}`;
    if (time < shown.start) text += `, opens at ${formatClock(shown.start)}`;
    else if (time > shown.end) text += `, last event at ${formatClock(shown.end)}`;
    text += session.pinned === null ? ' · following' : ' · pinned';
    if (badge.textContent !== text) badge.textContent = text;
    badge.hidden = false;
    const choice = session.pinned === null ? 'follow' : String(session.pinned);
    if (windowSelect.value !== choice) windowSelect.value = choice;
  };

  app.addEventListener('recordingchange', () => {
    const windows = app.summary.windows;
    clockTotal.textContent = formatClock(app.summary.duration);
    windowSelect.replaceChildren(h('option', { value: 'follow' }, 'Follow activity'),
      ...windows.map((w, index) => h('option', { value: index }, `Window ${index + 1}, ${formatClock(w.start)}–${formatClock(w.end)}`)));
    windowField.hidden = windows.length < 2;
    message.classList.remove('is-failure');
    message.textContent = 'Loading the replay…';
    message.hidden = false;
    updateClock();
    updateState();
  });
  app.addEventListener('open', () => {
    if (!app.session.waiting && !message.classList.contains('is-failure')) message.hidden = true;
    updateWindow();
  });
  app.addEventListener('timeupdate', () => {
    updateClock();
    updateWindow();
  });
  app.addEventListener('statechange', updateState);
  app.addEventListener('windowchange', updateWindow);
}

/** Shows a failure on the stage, in words the reader can act on. */
function showFailure(text) {
  const message = byId('message');
  // A page cut short says so (head.js): what fails after that is a consequence.
  if (message.hasAttribute('data-damaged')) return;
  message.textContent = text;
  message.classList.add('is-failure');
  message.hidden = false;
}

/** Opens a recording at a session time (links, the collection); a failure shows on the stage. */
function openRecording(app, index, time) {
  app.open(index, time).catch((error) => showFailure(`This recording cannot be played: ${error.message}`));
}

/** Full screen for the replay, its timeline and controls. */
function toggleFullscreen() {
  if (!document.fullscreenEnabled) return;
  // A refusal (the page is framed without allowfullscreen, say) leaves the page as it is.
  const change = document.fullscreenElement ? document.exitFullscreen() : byId('player-column').requestFullscreen();
  change.catch(() => {});
}
