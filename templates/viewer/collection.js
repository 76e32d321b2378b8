// replay-html viewer: a page holding several recordings. A sidebar lists them (title, person,
// start, duration, first URL, console errors), with a filter box; choosing one opens it (only
// the open recording is expanded; the previous one's players are torn down). A page with one
// recording has no sidebar.

function setupCollection(app) {
  if (app.summaries.length < 2) return;
  const aside = byId('collection');
  const list = byId('collection-list');
  const filter = byId('collection-filter');
  const empty = byId('collection-empty');
  document.documentElement.classList.add('has-collection');
  byId('collection-title').textContent = `${app.summaries.length} recordings`;
  aside.hidden = false;

  const cards = app.summaries.map((summary, index) => {
    const who = summary.who || {};
    const person = who.name || who.email || who.distinctId;
    const errors = summary.counts.consoleErrors + summary.counts.networkFailures;
    const button = h('button', { type: 'button', class: 'recording-card' },
      h('span', { class: 'card-title' }, summary.title),
      person ? h('span', { class: 'card-line' }, person) : null,
      h('span', { class: 'card-line muted' },
        `${formatLocalDateTime(summary.startTimestamp)} · ${formatClock(summary.duration)}`),
      summary.firstUrl ? h('span', { class: 'card-line muted card-url' }, summary.firstUrl) : null,
      errors > 0
        ? h('span', { class: 'card-errors' }, `${summary.counts.consoleErrors} console error${summary.counts.consoleErrors === 1 ? '' : 's'}, ${summary.counts.networkFailures} failed request${summary.counts.networkFailures === 1 ? '' : 's'}`)
        : null);
    button.addEventListener('click', () => {
      if (index === app.recording) return;
      history.replaceState(null, '', `#r=${encodeURIComponent(app.recordingId(index))}`);
      openRecording(app, index, 0);
    });
    const words = searchable(summary.title, summary.sessionId, who.name, who.email, who.distinctId, summary.firstUrl);
    return { item: h('li', {}, button), button, words };
  });
  list.replaceChildren(...cards.map((card) => card.item));

  filter.addEventListener('input', () => {
    const words = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const card of cards) {
      card.item.hidden = words !== '' && !card.words.includes(words);
      if (!card.item.hidden) shown += 1;
    }
    empty.hidden = shown > 0;
  });

  app.addEventListener('recordingchange', () => {
    cards.forEach((card, index) => {
      if (index === app.recording) card.button.setAttribute('aria-current', 'true');
      else card.button.removeAttribute('aria-current');
    });
  });
}
