// replay-html viewer: the header. Whose session this is, when it started (the reader's local
// time; UTC on hover), how long it lasts, where it began, and on what browser, system and
// screen — each shown only when the recording tells it; and, for a recording fetched from
// PostHog, a link to it there (a new tab, without the page's address as referrer).

function setupHeader(app) {
  const title = byId('masthead-title');
  const facts = byId('facts');
  const sourceLink = byId('source-link');

  const fact = (label, value, tooltip) => {
    if (value === null || value === undefined || value === '') return;
    facts.append(h('div', { class: 'fact' },
      h('dt', {}, label),
      h('dd', { title: tooltip || null }, value)));
  };

  app.addEventListener('recordingchange', () => {
    const summary = app.summary;
    title.textContent = summary.title;
    facts.replaceChildren();
    const who = summary.who || {};
    fact('Person', who.name);
    fact('Email', who.email);
    if (who.distinctId !== who.email) fact('Distinct ID', who.distinctId);
    fact('Started', formatLocalDateTime(summary.startTimestamp), formatUtc(summary.startTimestamp));
    fact('Duration', formatClock(summary.duration), formatSpoken(summary.duration));
    const clip = summary.clip;
    if (clip) {
      fact('Clip', `${formatClock(clip.to - clip.from)} of ${formatClock(clip.sessionDuration)}, from ${formatClock(clip.from)}`,
        `A clip of the session, which started ${formatUtc(clip.sessionStart)}`);
    }
    fact('First URL', summary.firstUrl, summary.firstUrl);
    fact('Browser', summary.browser);
    fact('OS', summary.os);
    if (summary.viewport) fact('Viewport', `${summary.viewport.width} × ${summary.viewport.height}`);
    if (summary.sessionId !== summary.title) fact('Session', summary.sessionId);
    // Only a web address is a link (never javascript: or data:); the bundler checks it too.
    const link = /^https?:\/\//i.test(summary.link || '') ? summary.link : null;
    if (link) sourceLink.setAttribute('href', link);
    else sourceLink.removeAttribute('href');
    sourceLink.hidden = !link;
  });
}
