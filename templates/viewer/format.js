// replay-html viewer: words and numbers for people — clock times, spoken durations, sizes —
// and reading a moment typed in a link (#t=90, #t=1m30s, #t=1:30), as `bundle --start` does
// (src/page.rs, parse_moment); and finding a moment in a list sorted by time.

/** A session time as a clock: 0:07, 1:30, 1:02:03. */
function formatClock(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A span of time in words, for screen readers and tooltips: "1 minute 30 seconds". */
function formatSpoken(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const parts = [
    [Math.floor(seconds / 3600), 'hour'],
    [Math.floor((seconds % 3600) / 60), 'minute'],
    [seconds % 60, 'second'],
  ].filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

/** A moment as a link writes it: 45s, 1m30s, 1h2m3s, with tenths when not whole. */
function formatMoment(ms) {
  const tenths = Math.max(0, Math.round(ms / 100));
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = (tenths % 600) / 10;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

/** A request's duration: 12 ms, 1.4 s. */
function formatMs(ms) {
  if (ms === null || ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A size in bytes: 912 B, 1.3 kB, 4.2 MB. */
function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Reads a moment as milliseconds, or null: seconds (90, 12.5), hours, minutes and seconds
 * (1h2m3s, 1m30s, 45s), or a clock (1:30, 1:02:03).
 */
function parseMoment(text) {
  const value = String(text).trim();
  const number = (part) => (/^\d+(\.\d+)?$/.test(part) ? Number(part) : NaN);
  let seconds = NaN;
  if (value.includes(':')) {
    const parts = value.split(':');
    if (parts.length <= 3) seconds = parts.reduce((total, part) => total * 60 + number(part), 0);
  } else if (/[hms]$/.test(value)) {
    const match = /^(?:([\d.]+)h)?(?:([\d.]+)m)?(?:([\d.]+)s)?$/.exec(value);
    if (match && (match[1] || match[2] || match[3])) {
      seconds = [[match[1], 3600], [match[2], 60], [match[3], 1]]
        .reduce((total, [part, scale]) => total + (part === undefined ? 0 : number(part) * scale), 0);
    }
  } else {
    seconds = number(value);
  }
  return Number.isFinite(seconds) ? seconds * 1000 : null;
}

/** A date and time in the reader's own zone and language. */
function formatLocalDateTime(epochMs) {
  return new Date(epochMs).toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** The same moment in UTC, for the tooltip. */
function formatUtc(epochMs) {
  return `${new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}

/** The index of the last item whose `key` is at or before a time, in items sorted by it; -1 when
 *  there is none. */
function lastAtOrBefore(items, time, key) {
  let low = 0;
  let high = items.length - 1;
  let index = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (items[middle][key] <= time) {
      index = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return index;
}
