// replay-html viewer: the one script in <head>, run before anything is drawn. A page opened
// with ?embed=1 in its address lays out embedded (embed.js) from its first frame, as one
// bundled with --embed does, instead of showing its header until the viewer starts.
if (new URLSearchParams(location.search).get('embed') === '1') document.documentElement.setAttribute('data-embed', '');
