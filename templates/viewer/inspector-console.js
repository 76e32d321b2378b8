// replay-html viewer: the inspector's Console tab. The messages the page logged
// (rrweb/console@1), consecutive repeats counted as one row, with their stack traces; filtered
// by level and by text.

function setupConsole(app) {
  const level = byId('console-level');
  const search = byId('console-search');
  const list = new RowList(app, {
    list: byId('console-rows'),
    empty: byId('console-empty'),
    count: byId('count-console'),
    none: 'The recording holds no console message.',
    nothing: 'No message matches the filter.',
    pick: (inspector) => inspector.console,
    describe: (row) => `${row.level}: ${row.text}`,
    render: (row) => {
      const text = h('span', { class: 'row-text' }, row.text);
      return [
        h('span', { class: `level level-${levelClass(row.level)}` }, row.level),
        row.trace.length > 0
          ? h('details', { class: 'row-main' }, h('summary', {}, text, repeats(row)),
            h('pre', { class: 'row-detail' }, row.trace.join('\n')))
          : h('span', { class: 'row-main' }, text, repeats(row)),
      ];
    },
    text: (row) => searchable(row.text, row.level),
    filter: () => {
      const wanted = level.value;
      return {
        words: search.value.trim().toLowerCase(),
        accept: wanted ? (row) => levelClass(row.level) === wanted : null,
      };
    },
  });
  level.addEventListener('change', () => list.refilter());
  search.addEventListener('input', () => list.refilter());
}

/** The count of a repeated message, or nothing. */
function repeats(row) {
  return row.count > 1 ? h('span', { class: 'repeat', title: `Logged ${row.count} times in a row` }, `×${row.count}`) : null;
}

/** The filter a console level falls under. */
function levelClass(level) {
  if (level === 'error' || level === 'assert') return 'error';
  if (level === 'warn') return 'warn';
  if (level === 'info') return 'info';
  if (level === 'debug' || level === 'trace') return 'debug';
  return 'log';
}
