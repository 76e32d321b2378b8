// replay-html viewer: deep links. `#t=90`, `#t=1m30s` or `#t=1:30` opens the page at that
// moment (the grammar of `bundle --start`); in a collection `#r=<recording id>&t=…` also picks
// the recording. The copy button writes a link to the moment on screen; where the clipboard
// cannot be reached (pages opened from file:// often cannot), it shows the link selected in
// a text field instead, and says so.

/** What the address asks for: {recording: index or null, time: ms or null}. */
function readLink(app) {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const id = params.get('r');
  const index = id === null ? -1 : app.recordingIndex(id);
  const t = params.get('t');
  return { recording: index >= 0 ? index : null, time: t === null ? null : parseMoment(t) };
}

/** A link to the moment on screen. */
function linkToMoment(app) {
  const base = location.href.replace(/#.*$/, '');
  const recording = app.summaries.length > 1 ? `r=${encodeURIComponent(app.recordingId(app.recording))}&` : '';
  return `${base}#${recording}t=${formatMoment(app.time)}`;
}

function setupLinks(app) {
  const button = byId('copy-link');
  const box = byId('link-box');
  const field = byId('link-field');
  const label = byId('link-label');
  let restore = 0;

  const offerToCopy = (link, why) => {
    label.textContent = why;
    field.value = link;
    box.hidden = false;
    field.focus();
    field.select();
  };

  button.addEventListener('click', () => {
    const link = linkToMoment(app);
    const copied = () => {
      box.hidden = true;
      button.textContent = 'Link copied';
      clearTimeout(restore);
      restore = setTimeout(() => { button.textContent = 'Copy link to this moment'; }, 2000);
    };
    const refused = () => offerToCopy(link, 'The browser keeps the clipboard from this page: copy the link (Ctrl+C or ⌘C):');
    if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
      navigator.clipboard.writeText(link).then(copied, refused);
    } else {
      refused();
    }
  });
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      box.hidden = true;
      button.focus();
    }
  });

  // A link pasted into the address bar of an open page.
  window.addEventListener('hashchange', () => {
    const link = readLink(app);
    if (link.recording !== null && link.recording !== app.recording) {
      openRecording(app, link.recording, link.time || 0);
    } else if (link.time !== null) {
      app.seek(link.time);
    }
  });
}
