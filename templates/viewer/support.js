// replay-html viewer: what the page needs from the browser. The oldest versions that have all
// of it are Chrome and Edge 87, Firefox 113 and Safari 16.4 (README, "Browser support"): there
// the page plays; in an older browser it says so, in one sentence, instead of failing on the
// first missing piece. What the page uses only where it is there (scheduler,
// requestIdleCallback, the Fullscreen API, the asynchronous clipboard) is not listed here: each
// has its fallback where it is used.

/** What the page needs, by name, and whether this browser has it. */
const NEEDED_FEATURES = {
  // Expanding the events (decode.js): Chrome 80, Firefox 113, Safari 16.4.
  DecompressionStream: () => typeof DecompressionStream === 'function',
  // Redrawing lists and the header: Chrome 86, Firefox 78, Safari 14.
  'Element.replaceChildren': () => typeof Element.prototype.replaceChildren === 'function',
  // The layout of the stage (layout.css): Chrome 87, Firefox 66, Safari 14.1.
  'CSS inset': () => typeof CSS === 'object' && CSS.supports('inset', '0'),
  // The shortcuts dialog (keyboard.js): Chrome 37, Firefox 98, Safari 15.4.
  'HTMLDialogElement.showModal': () => typeof HTMLDialogElement === 'function' && typeof HTMLDialogElement.prototype.showModal === 'function',
  // Fitting the replay to the stage, measuring rows: Chrome 64, Firefox 69, Safari 13.1.
  ResizeObserver: () => typeof ResizeObserver === 'function',
};

/** The names of what the page needs and this browser lacks (none in a supported browser). */
function missingFeatures() {
  return Object.keys(NEEDED_FEATURES).filter((name) => !NEEDED_FEATURES[name]());
}

/** The sentence the page shows in a browser that lacks `missing`. */
function tooOldBrowser(missing) {
  return `this browser lacks ${missing.join(', ')}; open it in Chrome or Edge 87, Firefox 113, Safari 16.4 or a later version`;
}
