// replay-html viewer: starting the page, as soon as its script is read (before the data that
// follows it in the page). Reads the settings and summaries, defines the API,
// sets up every part of the page, and opens the recording at the moment asked for: a link's
// #t= (and #r= in a collection), else `bundle --start`, else the session's first moment.

{
  let settle = null;
  const ready = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A failure is shown in the page; a host that does not listen should not see it as unhandled.
  ready.catch(() => {});

  const fail = (error) => {
    const text = `This replay cannot be played: ${error && error.message ? error.message : error}`;
    showFailure(text);
    settle.reject(new Error(text));
  };

  let app = null;
  const missing = missingFeatures();
  try {
    if (missing.length > 0) throw new Error(tooOldBrowser(missing));
    app = new App(readSettings(), readSummaries());
  } catch (error) {
    fail(error);
  }
  const api = defineApi(app, ready);

  if (app) {
    setupHeader(app);
    setupTimeline(app);
    setupControls(app);
    setupInspector(app);
    setupKeyboard(app);
    setupLinks(app);
    setupEmbed(app, api);
    setupCollection(app);
    app.addEventListener('error', (event) => showFailure(`The replay stopped: ${event.detail && event.detail.message}`));

    const link = readLink(app);
    const start = link.time ?? app.settings.start ?? 0;
    // The viewer starts at once, while the browser is still reading the page's data: the
    // first frame needs only the first chunk, which comes first (decode.js, page.html).
    app.open(link.recording ?? 0, start)
      .then(() => {
        settle.resolve();
        if (app.settings.autoplay) app.play();
      }, fail);
  }
}
