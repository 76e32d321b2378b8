// replay-html viewer: the inspector's Notes tab. The notes given when the page was bundled
// (`--note`), by time: each goes to its moment when clicked, and links to it (`#t=`). The tab
// shows only when the recording has notes, and then comes first and opens first.

function setupNotes(app, selectTab) {
  const tab = byId('tab-notes');
  const list = new RowList(app, {
    list: byId('notes-rows'),
    empty: byId('notes-empty'),
    count: byId('count-notes'),
    none: 'The recording has no notes.',
    nothing: 'No note matches.',
    pick: (inspector) => inspector.notes || [],
    describe: (row) => `note: ${row.text}`,
    render: (row) => [
      h('span', { class: 'row-main row-text note-text' }, row.text),
      h('a', { class: 'note-link', href: `#t=${formatSeconds(row.t)}`, title: 'Link to this moment' }, 'Link'),
    ],
    text: (row) => searchable(row.text),
    // The Notes tab has no filter: every note shows.
    filter: () => ({ words: '', accept: null }),
  });
  app.addEventListener('recordingchange', () => {
    const hasNotes = app.summary.markers.some((marker) => marker.kind === 'note');
    tab.hidden = !hasNotes;
    selectTab(byId(hasNotes ? 'tab-notes' : 'tab-console'));
  });
  return list;
}

/** Milliseconds as seconds for a link's #t=, to the millisecond. */
function formatSeconds(ms) {
  return String(Math.round(ms) / 1000);
}
