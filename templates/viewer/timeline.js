// replay-html viewer: the timeline. The whole session on one bar: active and inactive
// stretches and gaps, how far the events are expanded, how far it has played; above it the
// moments worth a look (clicks, page views and URL changes, console errors, failed requests),
// each a button that seeks there. Hovering shows the time; the bar is a slider for keyboards
// and screen readers (Home, End, Page Up, Page Down; the arrows skip 10 s page-wide).

const MARKER_KINDS = {
  click: 'Click',
  'page-view': 'Page view',
  'url-change': 'URL change',
  'console-error': 'Console error',
  'network-error': 'Failed request',
  note: 'Note',
};

/** Columns of the bar markers are merged into (about a pixel each on a wide screen). */
const MARKER_COLUMNS = 800;
/** Most markers a tooltip names. */
const MAX_TIP_LINES = 8;

function setupTimeline(app) {
  const bar = byId('timeline-bar');
  const segmentsLayer = byId('timeline-segments');
  const loaded = byId('timeline-loaded');
  const played = byId('timeline-played');
  const thumb = byId('timeline-thumb');
  const markersLayer = byId('timeline-markers');
  const tip = byId('timeline-tip');
  let spokenSecond = -1;

  const percent = (time) => `${(100 * Math.min(Math.max(time / (app.summary.duration || 1), 0), 1)).toFixed(3)}%`;

  /** The session time under a pointer on the bar. */
  const timeAt = (clientX) => {
    const box = bar.getBoundingClientRect();
    return Math.min(Math.max((clientX - box.left) / box.width, 0), 1) * app.summary.duration;
  };

  const showTip = (text, time) => {
    tip.textContent = text;
    tip.style.left = percent(time);
    tip.hidden = false;
  };

  const windowLabel = (window) => (app.summary.windows.length > 1 && window !== null ? `, window ${window + 1}` : '');

  const buildSegments = () => {
    segmentsLayer.replaceChildren(...app.summary.segments
      .filter((segment) => segment.end > segment.start)
      .map((segment) => h('div', {
        class: `segment ${segment.active ? 'is-active' : 'is-inactive'}${segment.gap ? ' is-gap' : ''}`,
        style: `left: ${percent(segment.start)}; width: ${percent(segment.end - segment.start)}`,
      })));
  };

  /** A marker in words. */
  const describe = (marker) => `${MARKER_KINDS[marker.kind] || marker.kind} at ${formatClock(marker.t)}${windowLabel(marker.window)}: ${marker.label}`;

  /** The tooltip of a marker: it and the markers that overlap it on the bar (a few). */
  const markerTip = (marker) => {
    const width = bar.getBoundingClientRect().width || 1;
    const close = app.summary.markers.filter((m) => Math.abs(m.t - marker.t) * width / (app.summary.duration || 1) < 6);
    if (close.length <= 1) return describe(marker);
    const lines = close.slice(0, MAX_TIP_LINES).map(describe);
    if (close.length > MAX_TIP_LINES) lines.push(`… and ${close.length - MAX_TIP_LINES} more`);
    return lines.join('\n');
  };

  /** One button per kind of marker and column of the bar (MARKER_COLUMNS): a recording with
   *  100,000 markers has no more buttons than the bar has room for. A button stands for the
   *  first marker of its column and says how many more it holds. */
  const buildMarkers = () => {
    const duration = app.summary.duration || 1;
    const groups = new Map();
    for (const marker of app.summary.markers) {
      const column = Math.min(Math.floor((marker.t / duration) * MARKER_COLUMNS), MARKER_COLUMNS - 1);
      const key = `${marker.kind} ${column}`;
      const group = groups.get(key);
      if (group) group.count += 1;
      else groups.set(key, { marker, count: 1 });
    }
    const markers = [...groups.values()].sort((a, b) => a.marker.t - b.marker.t).map(({ marker, count }, index) => {
      const more = count > 1 ? ` (and ${count - 1} more nearby)` : '';
      const button = h('button', {
        type: 'button',
        class: `marker marker-${marker.kind}`,
        style: `left: ${percent(marker.t)}`,
        'aria-label': describe(marker) + more,
        'data-t': marker.t,
        tabindex: index === 0 ? 0 : -1,
      });
      const hover = () => showTip(markerTip(marker), marker.t);
      button.addEventListener('click', () => app.seek(marker.t));
      button.addEventListener('pointerenter', hover);
      button.addEventListener('pointerleave', () => { tip.hidden = true; });
      button.addEventListener('focus', () => showTip(describe(marker) + more, marker.t));
      button.addEventListener('blur', () => { tip.hidden = true; });
      return button;
    });
    markersLayer.replaceChildren(...markers);
    markersLayer.hidden = markers.length === 0;
  };

  // The markers are one stop for Tab; the arrows move between them (a roving tabindex).
  markersLayer.addEventListener('keydown', (event) => {
    const buttons = [...markersLayer.querySelectorAll('.marker')];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    const next = buttons[Math.min(Math.max(to, 0), buttons.length - 1)];
    buttons[at].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });

  const update = () => {
    const time = app.time;
    played.style.width = percent(time);
    thumb.style.left = percent(time);
    const second = Math.floor(time / 1000);
    if (second !== spokenSecond) {
      spokenSecond = second;
      bar.setAttribute('aria-valuenow', String(second));
      bar.setAttribute('aria-valuetext', `${formatSpoken(time)} of ${formatSpoken(app.summary.duration)}`);
    }
  };

  const updateLoaded = () => {
    const loader = app.session.loader;
    loaded.style.width = percent(loader.loadedThrough);
    const complete = loader.fraction >= 1;
    loaded.classList.toggle('is-complete', complete);
    bar.setAttribute('aria-busy', String(!complete));
  };

  // Pointer: hover shows the time; press and drag seeks (at most once a frame).
  let dragging = false;
  let pending = null;
  const seekSoon = (time) => {
    if (pending === null) {
      requestAnimationFrame(() => {
        app.seek(pending);
        pending = null;
      });
    }
    pending = time;
  };
  bar.addEventListener('pointermove', (event) => {
    const time = timeAt(event.clientX);
    const segment = app.session.segmentAt(time);
    const state = segment && !segment.active ? ' (inactive)' : '';
    showTip(`${formatClock(time)}${state}${windowLabel(segment ? segment.window : null)}`, time);
    if (dragging) seekSoon(time);
  });
  bar.addEventListener('pointerleave', () => { tip.hidden = true; });
  bar.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    dragging = true;
    bar.setPointerCapture(event.pointerId);
    seekSoon(timeAt(event.clientX));
  });
  const stopDragging = () => { dragging = false; };
  bar.addEventListener('pointerup', stopDragging);
  bar.addEventListener('pointercancel', stopDragging);

  bar.addEventListener('keydown', (event) => {
    const moves = {
      Home: () => 0,
      End: () => app.summary.duration,
      PageUp: () => app.time + 60_000,
      PageDown: () => app.time - 60_000,
    };
    if (!moves[event.key]) return;
    event.preventDefault();
    app.seek(moves[event.key]());
  });

  app.addEventListener('recordingchange', () => {
    bar.setAttribute('aria-valuemax', String(Math.floor(app.summary.duration / 1000)));
    spokenSecond = -1;
    buildSegments();
    buildMarkers();
    updateLoaded();
    update();
  });
  app.addEventListener('timeupdate', update);
  app.addEventListener('progress', updateLoaded);
}
