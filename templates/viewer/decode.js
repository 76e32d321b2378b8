// replay-html viewer, part 1 of 3: reading the payload this page carries.
//
// The page holds a JSON summary (#replay-summary) and, for each window, its events as
// base64 of gzip of a JSON array (script[data-window="N"]). Expanding uses the browser's own
// DecompressionStream: no library, no network.

/** The summary written by the bundler (see src/payload.rs). */
function readSummary() {
  const element = document.getElementById('replay-summary');
  if (!element) throw new Error('this file holds no replay summary; it may have been cut short');
  return JSON.parse(element.textContent);
}

/** Bytes of a base64 text. */
function base64ToBytes(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The events of window number `index`, expanded and parsed. */
async function decodeWindowEvents(index) {
  const element = document.querySelector(`script[data-window="${index}"]`);
  if (!element) throw new Error(`this file holds no events for window ${index + 1}; it may have been cut short`);
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this browser cannot expand the replay (it lacks DecompressionStream); open it in a current Chrome, Edge, Firefox or Safari');
  }
  const bytes = base64ToBytes(element.textContent.trim());
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const text = await new Response(stream).text();
  return JSON.parse(text);
}
