// replay-html viewer: reading the data this page carries (see src/payload.rs and page.html).
//
// - #replay-settings: how the viewer starts (plain JSON);
// - script[data-summary="R"]: recording R's summary (plain JSON);
// - script[data-recording="R"][data-inspector]: its inspector rows;
// - script[data-recording="R"][data-window="W"][data-chunk="C"]: its events, window by window,
//   in chunks; the first chunk of a window ends with the window's first full snapshot.
// Every block but the summaries is JSON, gzip-compressed, written as text in the page's
// encoding: base-122 in a UTF-8 page, two bytes a character in a UTF-16 one. Expanding uses the
// browser's own DecompressionStream: no library, no network.

/** Parses a plain JSON element of the page. */
function readJson(selector, what) {
  const element = document.querySelector(selector);
  if (!element) throw new Error(`this file holds no ${what}; it may have been cut short`);
  return JSON.parse(element.textContent);
}

/** The viewer's settings, as the bundler wrote them. */
function readSettings() {
  return readJson('#replay-settings', 'viewer settings');
}

/** The summaries of the recordings this page holds, in order. */
function readSummaries() {
  const elements = document.querySelectorAll('script[data-summary]');
  if (elements.length === 0) throw new Error('this file holds no recording; it may have been cut short');
  return Array.from(elements, (element) => JSON.parse(element.textContent));
}

// Base-122 (src/base122.rs): each character carries 7 bits; the values the HTML parser would
// change (NUL, CR) or that could end the element ('<') travel in two-byte characters.
const BASE122_ILLEGAL = [0x00, 0x0d, 0x3c];
const BASE122_PAIR = 0x80;
const BASE122_LAST = 0x200;

/** Bytes of a base-122 text. */
function base122ToBytes(text) {
  const bytes = new Uint8Array(Math.floor((text.length * 2 * 7) / 8) + 1);
  let length = 0;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // One character carries one group of 7 bits, or two (an illegal value and the next).
    let group = code;
    let next = -1;
    if (code >= BASE122_LAST) {
      group = BASE122_ILLEGAL[code - BASE122_LAST];
    } else if (code >= BASE122_PAIR) {
      group = BASE122_ILLEGAL[(code - BASE122_PAIR) >> 7];
      next = (code - BASE122_PAIR) & 0x7f;
    }
    for (;;) {
      bits = (bits << 7) | group;
      count += 7;
      if (count >= 8) {
        count -= 8;
        bytes[length++] = (bits >> count) & 0xff;
        bits &= (1 << count) - 1;
      }
      if (next < 0) break;
      group = next;
      next = -1;
    }
  }
  return bytes.subarray(0, length);
}

// UTF-16 text (src/utf16_text.rs): each character is two bytes of the data, little-endian, but
// after the escape U+0001 comes a word with its top bit flipped (one the parser would change:
// NUL, CR, '<', a surrogate; or the escape), or U+0100 + a last odd byte.
const UTF16_ESCAPE = 0x0001;
const UTF16_FLIP = 0x8000;
const UTF16_LAST_BYTE = 0x0100;

/** Bytes of a UTF-16 page's data text. */
function utf16TextToBytes(text) {
  const bytes = new Uint8Array(text.length * 2);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    let word = text.charCodeAt(i);
    if (word === UTF16_ESCAPE) {
      word = text.charCodeAt(++i);
      if (word < UTF16_LAST_BYTE + 0x100) {
        bytes[length++] = word - UTF16_LAST_BYTE;
        break;
      }
      word ^= UTF16_FLIP;
    }
    bytes[length++] = word & 0xff;
    bytes[length++] = word >> 8;
  }
  return bytes.subarray(0, length);
}

/** Bytes of a data block's text, as this page's encoding wrote them: the browser tells the
 *  encoding it read the page in (a UTF-16 page starts with a byte-order mark, which wins over
 *  whatever charset a server names). */
const textToBytes = document.characterSet === 'UTF-16LE' ? utf16TextToBytes : base122ToBytes;

/** Bytes of gzip data, expanded. (Writing to the stream and reading from it directly is
 *  several times faster than going through a Blob and a Response.) */
async function gunzip(bytes) {
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const parts = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The JSON text of a data block, expanded (UTF-8 bytes). */
async function expandBlock(element, what) {
  if (!element) throw new Error(`this file holds no ${what}; it may have been cut short`);
  return gunzip(textToBytes(element.textContent));
}

/** The JSON value a data block holds. */
async function decodeBlock(element, what) {
  return JSON.parse(new TextDecoder().decode(await expandBlock(element, what)));
}

/** Recording `recording`'s inspector rows: {console, network, events}. */
async function decodeInspector(recording) {
  return decodeBlock(await dataBlock(`script[data-recording="${recording}"][data-inspector]`), 'inspector data');
}

/** The events of one chunk of a window, and the size of their JSON text in bytes (what the
 *  loader counts against its budget: loader.js). */
async function decodeChunk(recording, window, chunk) {
  const element = await dataBlock(`script[data-recording="${recording}"][data-window="${window}"][data-chunk="${chunk}"]`);
  const json = await expandBlock(element, `events for window ${window + 1}`);
  return { events: JSON.parse(new TextDecoder().decode(json)), bytes: json.length };
}

// The viewer starts while the browser is still reading the page (page.html puts the scripts
// before the data, and the first chunk of the first window first), so a data block may not be
// there yet, or be there only in part: the parser may stop in the middle of an element's text
// and go on later. A block is whole once something follows it, or once the whole document is
// read; the blocks are waited for with a MutationObserver on <body>, which the parser tells as
// it goes, without polling.

/** Blocks waited for: {selector, resolve}. */
const blockWaiters = [];
let blockObserver = null;

/** Resolves with a data element once the parser has read it whole, or with null when the
 *  document is read to its end without it (a page cut short). */
function dataBlock(selector) {
  const found = wholeBlock(selector);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve) => {
    blockWaiters.push({ selector, resolve });
    if (blockObserver) return;
    blockObserver = new MutationObserver(settleBlocks);
    blockObserver.observe(document.body || document.documentElement, { childList: true });
    document.addEventListener('DOMContentLoaded', settleBlocks);
  });
}

/** The element if it is read whole, null if the document has ended without it, undefined while
 *  the parser may still bring it. */
function wholeBlock(selector) {
  const element = document.querySelector(selector);
  if (document.readyState !== 'loading') return element;
  return element && element.nextSibling ? element : undefined;
}

function settleBlocks() {
  for (let i = blockWaiters.length - 1; i >= 0; i--) {
    const found = wholeBlock(blockWaiters[i].selector);
    if (found === undefined) continue;
    blockWaiters[i].resolve(found);
    blockWaiters.splice(i, 1);
  }
  if (blockWaiters.length === 0 && blockObserver) {
    blockObserver.disconnect();
    blockObserver = null;
    document.removeEventListener('DOMContentLoaded', settleBlocks);
  }
}

/**
 * What a network event recorded of one request, beyond its inspector row: headers and bodies
 * (rrweb/network@1 holds them under `payload.requests[i]`; PostHog's legacy posthog/network@1
 * holds one request under numeric keys and no headers or bodies).
 */
function requestDetail(event, request) {
  const data = event && event.data;
  if (!data || data.plugin !== 'rrweb/network@1') return null;
  const entry = data.payload && Array.isArray(data.payload.requests) ? data.payload.requests[request] : null;
  if (!entry) return null;
  return {
    requestHeaders: entry.requestHeaders ?? null,
    requestBody: entry.requestBody ?? null,
    responseHeaders: entry.responseHeaders ?? null,
    responseBody: entry.responseBody ?? null,
  };
}
