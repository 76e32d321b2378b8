// replay-html viewer: the inspector's Events tab. Page views, URL changes and custom events;
// the events the recorder (posthog-js) adds about itself are hidden unless asked for.

const EVENT_KINDS = {
  'page-view': 'Page view',
  'url-change': 'URL change',
  custom: 'Custom',
  recorder: 'Recorder',
};

function setupEvents(app) {
  const recorder = byId('events-recorder');
  const search = byId('events-search');
  const list = new RowList(app, {
    list: byId('events-rows'),
    empty: byId('events-empty'),
    count: byId('count-events'),
    none: 'The recording holds no page view or custom event.',
    nothing: 'No event matches the filter.',
    pick: (inspector) => inspector.events,
    describe: (row) => `${EVENT_KINDS[row.kind] || row.kind} ${row.name}`,
    render: (row) => {
      const name = h('span', { class: 'row-text' }, row.name);
      return [
        h('span', { class: `kind kind-${row.kind}` }, EVENT_KINDS[row.kind] || row.kind),
        row.detail
          ? h('details', { class: 'row-main' }, h('summary', {}, name), h('pre', { class: 'row-detail' }, row.detail))
          : h('span', { class: 'row-main' }, name),
      ];
    },
    text: (row) => searchable(row.name, row.detail, row.kind),
    filter: () => ({
      words: search.value.trim().toLowerCase(),
      accept: recorder.checked ? null : (row) => row.kind !== 'recorder',
    }),
  });
  recorder.addEventListener('change', () => list.refilter());
  search.addEventListener('input', () => list.refilter());
}
