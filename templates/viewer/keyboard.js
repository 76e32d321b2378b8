// replay-html viewer: keyboard shortcuts, page-wide, and the dialog that lists them (`?`).
// Keys typed into a field are the field's; Space on a button or link presses it, as usual.

function setupKeyboard(app) {
  const dialog = byId('shortcuts-dialog');
  const open = () => {
    if (!dialog.open) dialog.showModal();
  };
  byId('shortcuts').addEventListener('click', open);
  byId('shortcuts-close').addEventListener('click', () => dialog.close());

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
    const target = event.target instanceof Element ? event.target : document.body;
    if (target.closest('input, textarea, select, [contenteditable]')) return;
    const actions = {
      ' ': () => {
        if (target.closest('button, a, summary')) return false;
        app.toggle();
        return true;
      },
      ArrowLeft: () => app.skip(-10_000),
      ArrowRight: () => app.skip(10_000),
      f: () => toggleFullscreen(),
      i: () => byId('toggle-inspector').click(),
      '?': () => open(),
    };
    const action = actions[event.key];
    if (action && action() !== false) event.preventDefault();
  });
}
