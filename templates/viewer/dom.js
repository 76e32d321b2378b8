// replay-html viewer: building elements. Text from the recording only ever reaches the page
// through here as text nodes and attribute values set by DOM APIs, never as HTML.

/**
 * An element: `h('li', {class: 'row', 'aria-label': label}, 'text', child)`. Attributes whose
 * value is null, undefined or false are left out; `true` sets an empty attribute. Children
 * that are strings become text nodes; null and false children are skipped.
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

/** The element with an id; the markup (page.html) guarantees it exists. */
function byId(id) {
  return document.getElementById(id);
}

/** Whether the reader asked for less motion. */
function reducedMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
