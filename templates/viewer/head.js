// replay-html viewer: the one script in <head>, run before anything is drawn. A page opened
// with ?embed=1 in its address lays out embedded (embed.js) from its first frame, as one
// bundled with --embed does, instead of showing its header until the viewer starts.
if (new URLSearchParams(location.search).get('embed') === '1') document.documentElement.setAttribute('data-embed', '');
// A page cut short (by a mail gateway or a chat upload) ends before the element that follows
// its data (page.html): once the document is parsed without it, say so instead of loading
// forever or failing later on a damaged chunk.
document.addEventListener('DOMContentLoaded', () => {
  if (document.getElementById('replay-end')) return;
  const text = 'This page is cut short or damaged: it ends before its data does. Get the whole file again.';
  let message = document.getElementById('message');
  if (!message) {
    message = document.createElement('p');
    (document.body || document.documentElement).append(message);
  }
  message.textContent = text;
  message.setAttribute('data-damaged', '');
  message.classList.add('is-failure');
  message.hidden = false;
});
