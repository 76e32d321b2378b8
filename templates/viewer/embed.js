// replay-html viewer: embedding. With `bundle --embed` or `?embed=1` in the address the page
// shows only the replay and a slim control bar, and fills its frame (page.html and head.js
// mark it data-embed; the CSS does the rest). A framed page (embedded or not) takes commands
// from its parent with postMessage and tells it what happens:
//
//   parent -> page  {type: 'replay-html:play'}, {type: 'replay-html:pause'},
//                   {type: 'replay-html:goto', ms}, {type: 'replay-html:speed', speed}
//   page -> parent  {type: 'replay-html:ready', duration, windows}
//                   {type: 'replay-html:timeupdate', time, playing}  (a few times a second)
//                   {type: 'replay-html:ended'}
//
// Messages go to window.parent only, and only messages from it are read.

/** Most timeupdate messages a second. */
const TIMEUPDATES_PER_SECOND = 4;

function setupEmbed(app, api) {
  if (window.parent === window) return;
  const send = (message) => window.parent.postMessage(message, '*');

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.source !== window.parent || !data || typeof data !== 'object') return;
    const commands = {
      'replay-html:play': () => api.play(),
      'replay-html:pause': () => api.pause(),
      'replay-html:goto': () => api.goto(data.ms),
      'replay-html:speed': () => api.setSpeed(data.speed),
    };
    const command = commands[data.type];
    // A command the page cannot carry out (goto without ms, say) changes nothing.
    if (command) command().catch(() => {});
  });

  let last = 0;
  const timeupdate = (force) => {
    const now = performance.now();
    if (!force && now - last < 1000 / TIMEUPDATES_PER_SECOND) return;
    last = now;
    send({ type: 'replay-html:timeupdate', time: app.time, playing: app.playing });
  };
  app.addEventListener('open', () => send({ type: 'replay-html:ready', duration: api.duration, windows: api.windows }));
  app.addEventListener('timeupdate', () => timeupdate(false));
  app.addEventListener('statechange', () => timeupdate(true));
  app.addEventListener('ended', () => send({ type: 'replay-html:ended' }));
}
