//! The payload: what the page carries of a recording.
//!
//! - a [`Summary`], small plain JSON the viewer reads first: who, when, how long, the windows,
//!   and the timeline (segments and markers);
//! - data blocks, each JSON text compressed with gzip (the page writes them as text):
//!   the inspector's rows, and each window's events cut into chunks.
//!
//! A window's first chunk ends with its first full snapshot, so the viewer can draw the first
//! frame from it while it expands the rest; later chunks hold about [`CHUNK_BYTES`] of events.
//! Each chunk is a JSON array of its own gzip stream, and chunks are compressed on all cores.
//!
//! Times in the summary are milliseconds from the recording's first event ("session time"),
//! except `startTimestamp`, which is the epoch time of that event.

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;

use crate::analysis::{self, Analyzer, Inspector, Marker, Segment};
use crate::recording::{Event, Recording, Window, event_type};

/// Version of the payload layout, read by the viewer and by tools that take bundles apart.
pub const FORMAT_VERSION: u32 = 2;

/// About how much event text a chunk holds (before compression).
pub const CHUNK_BYTES: usize = 2 << 20;

/// libdeflate's compression level for the data. On recordings, level 5 compresses a quarter
/// faster than level 6 for output about 6% larger, and within a quarter of `gzip -9`'s size
/// (see the README's benchmark).
const COMPRESSION_LEVEL: i32 = 5;

/// How many times its compressed text a posthog-js compressed event is, about, once expanded.
const EXPANSION_ESTIMATE: usize = 4;

/// What the viewer knows before it expands anything.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub format_version: u32,
    pub title: String,
    pub session_id: Option<String>,
    /// PostHog's person, as the export holds it.
    pub person: Option<Value>,
    /// Who the person is, read from it.
    pub who: Who,
    /// The recording's page at its source (PostHog), when it was fetched from there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Epoch milliseconds of the first event.
    pub start_timestamp: f64,
    /// Milliseconds from the first to the last event.
    pub duration: f64,
    pub first_url: Option<String>,
    /// Browser and operating system, as the person's properties tell them.
    pub browser: Option<String>,
    pub os: Option<String>,
    /// The first window's viewport when the recording starts.
    pub viewport: Option<Viewport>,
    /// Windows in order of first appearance.
    pub windows: Vec<WindowSummary>,
    pub segments: Vec<Segment>,
    pub markers: Vec<Marker>,
    pub counts: Counts,
    /// How many events far outside the session the page carries beside its timeline
    /// ([`Payload::with_outliers`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub outliers: usize,
    /// For a clip (`--from`, `--to`): where it lies in the session it was cut from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clip: Option<crate::clip::ClipInfo>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Who {
    pub name: Option<String>,
    pub email: Option<String>,
    pub distinct_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Viewport {
    pub width: u64,
    pub height: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowSummary {
    pub id: String,
    /// Session time of the window's first event.
    pub start: f64,
    /// Session time of the window's last event.
    pub end: f64,
    pub event_count: usize,
    /// The window's chunks, in order: how many events each holds, and their last moment.
    pub chunks: Vec<ChunkSummary>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkSummary {
    pub events: usize,
    /// Session time of the chunk's first and last event.
    pub start: f64,
    pub end: f64,
    /// Whether a player can start from this chunk: it is the window's first, or it begins with
    /// a later full snapshot (and its Meta event). A seek far ahead needs only the chunks from
    /// the last such chunk before the moment.
    pub snapshot: bool,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub console_errors: usize,
    pub console_warnings: usize,
    pub network_requests: usize,
    pub network_failures: usize,
    pub clicks: usize,
}

/// A recording packed for the page: its summary and inspector rows, and its events cut into
/// chunks, compressed as the page is written ([`Chunk::pack`]) so that the page's data is never
/// all in memory at once.
#[derive(Debug)]
pub struct Payload<'r> {
    pub summary: Summary,
    /// The inspector's rows ([`Inspector`]).
    pub inspector: Block,
    /// Every window's chunks, window by window, in order.
    pub chunks: Vec<Chunk<'r>>,
    /// The events far outside the session that the timeline leaves out, kept so that the
    /// page holds the whole recording: `{"windows": [every window's id, in order], "events":
    /// [[windowId, event], ...]}`, events in time order. The viewer never reads them.
    pub outliers: Option<Block>,
}

/// Some consecutive events of a window.
#[derive(Debug)]
pub struct Chunk<'r> {
    /// Index of the window in `summary.windows`.
    pub window: usize,
    /// Index of the chunk in its window.
    pub index: usize,
    pub events: &'r [Event<'r>],
    /// The window's id, and the epoch milliseconds of the recording's first event (for the
    /// personal-data check's findings).
    pub window_id: &'r str,
    pub start: f64,
}

/// A chunk as the page carries it.
#[derive(Debug)]
pub struct Packed {
    pub block: Block,
    /// The problems met (events whose compressed data is damaged, replaced by a note).
    pub problems: Vec<String>,
    /// What the personal-data check found in the chunk's events, when asked to look.
    pub findings: Vec<crate::pii::Finding>,
}

impl Chunk<'_> {
    /// The chunk's events compressed; with `scan`, each event's text is also scanned for
    /// personal data as it is written (compressed events are expanded once, for both).
    pub fn pack(&self, scan: bool) -> Result<Packed> {
        let mut pii = scan.then(|| crate::pii::EventScan::new(self.window_id, self.start));
        let (json, problems) = events_json(self.events, pii.as_mut());
        Ok(Packed {
            block: pack(&json)?,
            problems,
            findings: pii.map(|pii| pii.findings).unwrap_or_default(),
        })
    }

    /// Bytes of event text it holds, as the input had them.
    pub fn input_bytes(&self) -> u64 {
        self.events.iter().map(|e| e.json.input_len() as u64).sum()
    }
}

/// JSON text, gzip-compressed; the page writes it as text in its own encoding
/// ([`crate::page::Encoding`]).
#[derive(Debug)]
pub struct Block {
    pub gz: Vec<u8>,
}

impl<'r> Payload<'r> {
    pub fn new(recording: &'r Recording<'r>, title: &str) -> Result<Payload<'r>> {
        let start = recording.start();
        let mut analyzer = Analyzer::new(start);
        for (w, window) in recording.windows.iter().enumerate() {
            analyzer.observe_window(w, &window.events);
        }
        let (markers, inspector) = analyzer.finish();
        // The inspector's rows (tens of thousands on a long recording) are written out and
        // compressed while the events are cut into chunks and summed up.
        let (inspector_block, (chunks, summary)) = rayon::join(
            || -> Result<Block> { pack(&serde_json::to_vec(&inspector)?) },
            || {
                let chunks = cut(recording);
                let summary = summarize(recording, title, &chunks, markers, &inspector);
                (chunks, summary)
            },
        );
        Ok(Payload {
            summary,
            inspector: inspector_block?,
            chunks,
            outliers: None,
        })
    }

    /// The chunks in the order the page carries them (indices into `chunks`): the first chunk
    /// (the first window's, up to its first full snapshot: the first frame), then those that
    /// show the session's end (the window on screen there, from its last full snapshot), then
    /// the rest in order. The browser reads the page from the top and the viewer starts as soon
    /// as it has the first chunk; a reader often goes to the end next (where the error or the
    /// complaint is), and that then needs nothing the browser has not read yet.
    pub fn page_order(&self) -> Vec<usize> {
        let last_window = self
            .summary
            .segments
            .iter()
            .rev()
            .find_map(|segment| segment.window);
        let end: Vec<usize> = match last_window {
            Some(window) => {
                let of_window: Vec<usize> = (0..self.chunks.len())
                    .filter(|&i| self.chunks[i].window == window)
                    .collect();
                let snapshots = &self.summary.windows[window].chunks;
                let from = of_window
                    .iter()
                    .rposition(|&i| {
                        snapshots
                            .get(self.chunks[i].index)
                            .is_some_and(|c| c.snapshot)
                    })
                    .unwrap_or(0);
                of_window[from..].to_vec()
            }
            None => Vec::new(),
        };
        let first = (!self.chunks.is_empty()).then_some(0);
        let mut placed = vec![false; self.chunks.len()];
        let mut order = Vec::with_capacity(self.chunks.len());
        for i in first.into_iter().chain(end).chain(0..self.chunks.len()) {
            if !placed[i] {
                placed[i] = true;
                order.push(i);
            }
        }
        order
    }

    /// Adds the events of `recording` that its timeline (the recording this payload was made
    /// from: [`Recording::timeline`]) leaves out, with the ids of all its windows in order, so
    /// that the page reads back to the same recording.
    pub fn with_outliers(mut self, recording: &Recording) -> Result<Payload<'r>> {
        let outliers = recording.outliers();
        if outliers.is_empty() {
            return Ok(self);
        }
        let ids: Vec<&str> = recording.windows.iter().map(|w| w.id.as_str()).collect();
        let mut json = b"{\"windows\":".to_vec();
        serde_json::to_writer(&mut json, &ids)?;
        json.extend_from_slice(b",\"events\":[");
        for (i, (window, event)) in outliers.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            json.push(b'[');
            serde_json::to_writer(&mut json, window)?;
            json.push(b',');
            event.json.write_to(&mut json)?;
            json.push(b']');
        }
        json.extend_from_slice(b"]}");
        self.outliers = Some(pack(&json)?);
        self.summary.outliers = outliers.len();
        Ok(self)
    }
}

/// A window's events cut into chunks: up to and with the first full snapshot; then a chunk
/// for each later full snapshot, starting with it (and the Meta event before it), cut into
/// about [`CHUNK_BYTES`] of event text each, as the page carries it; in an app's screenshot
/// mode, cut before a new screenshot (which the viewer can start a player from, mobile.js).
fn chunks<'w, 'a>(window: &'w Window<'a>) -> Vec<&'w [Event<'a>]> {
    let events = window.events.as_slice();
    let first_end = events
        .iter()
        .position(|e| e.kind == event_type::FULL_SNAPSHOT)
        .map_or(events.len(), |i| i + 1);
    let mut chunks = vec![&events[..first_end]];
    let mobile = crate::mobile::is_mobile_window(window);
    let (mut start, mut bytes) = (first_end, 0);
    for i in first_end..events.len() {
        // An app's new screenshot is a whole screen too (mobile screenshot mode sends one
        // full snapshot, then each frame as an update): past half a chunk, a chunk starts with
        // one, so that a seek far ahead needs only the chunks from there.
        let cut_at_screenshot =
            mobile && bytes >= CHUNK_BYTES / 2 && crate::mobile::is_whole_screenshot(&events[i]);
        if (starts_snapshot(events, i) || cut_at_screenshot) && i > start {
            chunks.push(&events[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += written_size(&events[i]);
        // Never between a Meta event and its snapshot.
        if bytes >= CHUNK_BYTES && !starts_snapshot(events, i) {
            chunks.push(&events[start..=i]);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < events.len() {
        chunks.push(&events[start..]);
    }
    chunks
}

/// Whether events[i] is the Meta event a full snapshot follows.
fn starts_snapshot(events: &[Event], i: usize) -> bool {
    events[i].kind == event_type::META
        && events
            .get(i + 1)
            .is_some_and(|e| e.kind == event_type::FULL_SNAPSHOT)
}

/// About how much text an event is as the page carries it.
fn written_size(event: &Event) -> usize {
    match event.json.is_compressed() {
        true => EXPANSION_ESTIMATE * event.json.input_len(),
        false => event.json.input_len(),
    }
}

/// The events as one JSON array, compressed events expanded. A recording's reader replaces a
/// damaged compressed event by a note ([`crate::recording::damaged_note`]), so every event
/// expands here; should one still not, it gets the same note, and the warnings say which.
/// `pii`, when given, scans each event's text as written (not such notes).
fn events_json(
    events: &[Event],
    mut pii: Option<&mut crate::pii::EventScan>,
) -> (Vec<u8>, Vec<String>) {
    let capacity: usize = events.iter().map(|e| written_size(e) + 1).sum();
    let mut json = Vec::with_capacity(capacity + 2);
    let mut warnings = Vec::new();
    json.push(b'[');
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        let at = json.len();
        match event.json.write_to(&mut json) {
            Ok(()) => {
                if let Some(pii) = pii.as_deref_mut() {
                    // Text written from a str: always UTF-8.
                    if let Ok(text) = std::str::from_utf8(&json[at..]) {
                        pii.event(event, text);
                    }
                }
            }
            Err(err) => {
                json.truncate(at);
                let message = format!("{err:#}");
                json.extend_from_slice(damaged_event(event, &message).as_bytes());
                warnings.push(message);
            }
        }
    }
    json.push(b']');
    (json, warnings)
}

fn damaged_event(event: &Event, problem: &str) -> String {
    crate::recording::damaged_note(event.timestamp, event.kind, problem)
        .json
        .readable()
        .into_owned()
}

/// One warning for all the damaged events of a page.
pub fn summarize_warnings(problems: Vec<String>) -> Vec<String> {
    match problems.first() {
        None => Vec::new(),
        Some(first) => vec![format!(
            "replaced {} compressed event{} that could not be decompressed by a note in the replay (first: {first})",
            problems.len(),
            crate::plural(problems.len()),
        )],
    }
}

/// Every window's events cut into chunks ([`chunks`]), window by window.
fn cut<'r>(recording: &'r Recording<'r>) -> Vec<Chunk<'r>> {
    let start = recording.start();
    recording
        .windows
        .iter()
        .enumerate()
        .flat_map(|(w, window)| {
            chunks(window)
                .into_iter()
                .enumerate()
                .map(move |(index, events)| Chunk {
                    window: w,
                    index,
                    events,
                    window_id: &window.id,
                    start,
                })
        })
        .collect()
}

/// The recording's [`Summary`], with its events cut into `chunks`.
fn summarize(
    recording: &Recording,
    title: &str,
    chunks: &[Chunk],
    markers: Vec<Marker>,
    inspector: &Inspector,
) -> Summary {
    let start = recording.start();
    // Each window's chunks, in one pass (they come window by window).
    let mut chunks_of: Vec<Vec<&Chunk>> = vec![Vec::new(); recording.windows.len()];
    for chunk in chunks {
        if let Some(of) = chunks_of.get_mut(chunk.window) {
            of.push(chunk);
        }
    }
    Summary {
        format_version: FORMAT_VERSION,
        title: title.to_owned(),
        session_id: recording.session_id.clone(),
        who: who(recording.person.as_ref()),
        browser: person_property_with_version(recording.person.as_ref(), "$browser"),
        os: person_property_with_version(recording.person.as_ref(), "$os"),
        person: recording.person.clone(),
        link: recording.link.clone(),
        start_timestamp: start,
        duration: recording.duration(),
        first_url: recording.first_url(),
        viewport: first_viewport(recording),
        windows: recording
            .windows
            .iter()
            .enumerate()
            .map(|(index, w)| WindowSummary {
                id: w.id.clone(),
                start: w.start() - start,
                end: w.end() - start,
                event_count: w.events.len(),
                chunks: chunks_of[index]
                    .iter()
                    .map(|c| ChunkSummary {
                        events: c.events.len(),
                        start: c.events.first().map_or(0.0, |e| e.timestamp - start),
                        end: c.events.last().map_or(0.0, |e| e.timestamp - start),
                        snapshot: c.index == 0
                            || starts_snapshot(c.events, 0)
                            || c.events
                                .first()
                                .is_some_and(crate::mobile::is_whole_screenshot),
                    })
                    .collect(),
            })
            .collect(),
        segments: analysis::segments(recording),
        counts: counts(&markers, inspector),
        markers,
        outliers: 0,
        clip: crate::clip::info(recording),
    }
}

/// gzip (libdeflate; no name and a zero time in the header, so output is reproducible) of
/// some JSON text.
fn pack(json: &[u8]) -> Result<Block> {
    let level = libdeflater::CompressionLvl::new(COMPRESSION_LEVEL)
        .map_err(|e| anyhow::anyhow!("no compression level {COMPRESSION_LEVEL}: {e:?}"))?;
    let mut compressor = libdeflater::Compressor::new(level);
    let mut gz = vec![0; compressor.gzip_compress_bound(json.len())];
    let written = compressor
        .gzip_compress(json, &mut gz)
        .map_err(|e| anyhow::anyhow!("{e:?}"))
        .context("could not compress the page's data")?;
    gz.truncate(written);
    Ok(Block { gz })
}

/// The JSON text of a block written by the page (`Chunk::pack`), back from its text in the
/// page's encoding.
pub fn unpack(text: &str, encoding: crate::page::Encoding) -> Result<String> {
    use std::io::Read;
    let gz = encoding
        .block_bytes(text)
        .with_context(|| format!("the data is not {} data text", encoding.name()))?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut json)
        .context("the data is not gzip-compressed UTF-8")?;
    Ok(json)
}

/// Who the person is: their name, email and first distinct id, as PostHog keeps them.
fn who(person: Option<&Value>) -> Who {
    let Some(person) = person else {
        return Who::default();
    };
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let property = |key: &str| text(person.pointer(&format!("/properties/{key}")));
    let email = property("email").or_else(|| property("$email"));
    let full_name = match (property("first_name"), property("last_name")) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first.or(last),
    };
    let name = property("name")
        .or(full_name)
        .or_else(|| text(person.get("name")).filter(|n| Some(n) != email.as_ref()));
    Who {
        name,
        email,
        distinct_id: text(person.pointer("/distinct_ids/0")),
    }
}

/// A person property with its version (`$browser` and `$browser_version`: "Chrome 156").
fn person_property_with_version(person: Option<&Value>, key: &str) -> Option<String> {
    let properties = person?.get("properties")?;
    let name = properties.get(key)?.as_str()?.trim();
    if name.is_empty() {
        return None;
    }
    match properties.get(format!("{key}_version")) {
        Some(Value::String(v)) if !v.is_empty() => Some(format!("{name} {v}")),
        Some(Value::Number(v)) => Some(format!("{name} {v}")),
        _ => Some(name.to_owned()),
    }
}

/// The viewport of the recording's first Meta event.
fn first_viewport(recording: &Recording) -> Option<Viewport> {
    let window = recording.windows.first()?;
    let meta = window.events.iter().find(|e| e.kind == event_type::META)?;
    let value: Value = serde_json::from_str(&meta.json.readable()).ok()?;
    Some(Viewport {
        width: value.pointer("/data/width")?.as_u64()?,
        height: value.pointer("/data/height")?.as_u64()?,
    })
}

fn counts(markers: &[Marker], inspector: &Inspector) -> Counts {
    use analysis::MarkerKind;
    let count = |counted: fn(&analysis::ConsoleRow) -> bool| -> usize {
        inspector
            .console
            .iter()
            .filter(|r| counted(r))
            .map(|r| r.count as usize)
            .sum()
    };
    Counts {
        console_errors: count(analysis::ConsoleRow::is_error),
        console_warnings: count(|r| r.level == "warn"),
        network_requests: inspector.network.len(),
        network_failures: inspector.network.iter().filter(|r| r.failed).count(),
        clicks: markers
            .iter()
            .filter(|m| m.kind == MarkerKind::Click)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::read_leaked;
    use serde_json::json;

    #[test]
    fn packs_each_window_in_chunks_and_sums_it_up() {
        let input = br#"[{"type":4,"data":{"href":"https://a/","width":10,"height":10},"timestamp":1000,"windowId":"a"},
            {"type":2,"data":{"node":{},"x":"\u00e9"},"timestamp":1000,"windowId":"a"},
            {"type":2,"data":{"node":{}},"timestamp":1500,"windowId":"b"},
            {"type":3,"data":{"source":1},"timestamp":3000,"windowId":"a"}]"#;
        let (_, rec) = read_leaked(input).unwrap();
        let payload = Payload::new(&rec, "t").unwrap();
        let s = &payload.summary;
        assert_eq!((s.start_timestamp, s.duration), (1000.0, 2000.0));
        assert_eq!(s.first_url.as_deref(), Some("https://a/"));
        assert_eq!(
            (
                s.windows[1].id.as_str(),
                s.windows[1].start,
                s.windows[1].event_count
            ),
            ("b", 500.0, 2)
        );
        // Window a: its first chunk ends with the snapshot; the mouse move comes after.
        let chunk_events: Vec<usize> = s.windows[0].chunks.iter().map(|c| c.events).collect();
        assert_eq!(chunk_events, [2, 1]);
        assert!(s.windows[0].chunks[0].snapshot && !s.windows[0].chunks[1].snapshot);
        let block = payload.chunks[0].pack(false).unwrap().block;
        let first: Vec<Value> = serde_json::from_str(
            &unpack(
                &String::from_utf8(crate::page::Encoding::Utf8.block_text(&block.gz)).unwrap(),
                crate::page::Encoding::Utf8,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(first[1]["data"]["x"], "é");
        assert!(first[1].get("windowId").is_none());
    }

    #[test]
    fn every_later_snapshot_starts_a_chunk_with_its_meta_event() {
        // A first snapshot, a mouse move, a second snapshot (a Meta event is put before it),
        // and a big mutation after it.
        let big = "x".repeat(CHUNK_BYTES);
        let input = format!(
            r#"[{{"type":2,"data":{{"node":{{}}}},"timestamp":1000}},
            {{"type":3,"data":{{"source":1}},"timestamp":2000}},
            {{"type":2,"data":{{"node":{{}}}},"timestamp":3000}},
            {{"type":3,"data":{{"source":0,"texts":[{{"id":1,"value":"{big}"}}]}},"timestamp":4000}},
            {{"type":3,"data":{{"source":1}},"timestamp":5000}}]"#
        );
        let (_, rec) = read_leaked(input.as_bytes()).unwrap();
        let payload = Payload::new(&rec, "t").unwrap();
        let chunks: Vec<(Vec<u8>, bool, f64)> = payload
            .chunks
            .iter()
            .zip(&payload.summary.windows[0].chunks)
            .map(|(c, s)| {
                (
                    c.events.iter().map(|e| e.kind).collect(),
                    s.snapshot,
                    s.start,
                )
            })
            .collect();
        assert_eq!(
            chunks,
            [
                (vec![4, 2], true, 0.0),
                (vec![3], false, 1000.0),
                // The big mutation fills this chunk; the last mouse move goes to the next.
                (vec![4, 2, 3], true, 2000.0),
                (vec![3], false, 4000.0),
            ]
        );
    }

    #[test]
    fn the_page_carries_the_first_frame_then_the_end_then_the_rest() {
        // Window a: three snapshots, starting chunks 0, 2 and 3 (the big mutation fills chunk
        // 2); window b opens in the middle. The session ends in the window whose events come
        // last.
        let big = "x".repeat(CHUNK_BYTES);
        let recording = |b_ends: u64| {
            format!(
                r#"[{{"type":2,"data":{{"node":{{}}}},"timestamp":1000,"windowId":"a"}},
                {{"type":3,"data":{{"source":1}},"timestamp":2000,"windowId":"a"}},
                {{"type":2,"data":{{"node":{{}}}},"timestamp":3000,"windowId":"a"}},
                {{"type":3,"data":{{"source":0,"texts":[{{"id":1,"value":"{big}"}}]}},"timestamp":4000,"windowId":"a"}},
                {{"type":2,"data":{{"node":{{}}}},"timestamp":5000,"windowId":"a"}},
                {{"type":3,"data":{{"source":1}},"timestamp":6000,"windowId":"a"}},
                {{"type":2,"data":{{"node":{{}}}},"timestamp":2500,"windowId":"b"}},
                {{"type":3,"data":{{"source":1}},"timestamp":{b_ends},"windowId":"b"}}]"#
            )
        };
        let order = |input: String| {
            let (_, rec) = read_leaked(input.as_bytes()).unwrap();
            let payload = Payload::new(&rec, "t").unwrap();
            payload
                .page_order()
                .into_iter()
                .map(|i| (payload.chunks[i].window, payload.chunks[i].index))
                .collect::<Vec<_>>()
        };
        // Ending in a: a's first chunk, a's last snapshot's chunk, then the rest in order.
        assert_eq!(
            order(recording(5500)),
            [(0, 0), (0, 3), (0, 1), (0, 2), (1, 0), (1, 1)]
        );
        // Ending in b, which has one snapshot: b's chunks from its first.
        assert_eq!(
            order(recording(9000)),
            [(0, 0), (1, 0), (1, 1), (0, 1), (0, 2), (0, 3)]
        );
    }

    #[test]
    fn reads_who_the_person_is() {
        let person = json!({"name": "ada@example.com", "distinct_ids": ["ada", "x"],
            "properties": {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
                           "$browser": "Chrome", "$browser_version": 156, "$os": "Linux"}});
        let who = who(Some(&person));
        assert_eq!(who.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(who.email.as_deref(), Some("ada@example.com"));
        assert_eq!(who.distinct_id.as_deref(), Some("ada"));
        assert_eq!(
            person_property_with_version(Some(&person), "$browser").as_deref(),
            Some("Chrome 156")
        );
        assert_eq!(
            person_property_with_version(Some(&person), "$os").as_deref(),
            Some("Linux")
        );
    }
}
