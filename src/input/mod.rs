//! Reading recordings: takes off what an input is wrapped in ([`container`]), finds its format
//! from the content (never from the file name), and hands it to the reader of that format.
//!
//! | format | module |
//! |---|---|
//! | PostHog "Export to file" JSON, versions 2023-04-28 and 2022-12-02 | [`posthog_export`] |
//! | PostHog snapshot JSONL (the API's `blob_v2` answer, stored blocks) | [`snapshot_lines`] |
//! | A bare JSON array of rrweb events | [`rrweb_events`] |
//! | posthog-js capture requests (`/s/` bodies a proxy saved) | [`capture`] |
//! | A page replay-html wrote | [`bundle`] |
//!
//! Any of them may be gzip-compressed, and snapshot JSONL may come as snappy blocks;
//! posthog-js compressed events (`cv`) are left to the recording, which expands them
//! ([`crate::recording::posthog_compression`]) whatever the format.

pub mod bundle;
pub mod capture;
pub mod container;
pub mod posthog_export;
pub mod rrweb_events;
pub mod snapshot_lines;

use std::fmt;

use anyhow::{Context, Result, bail};
use serde::Deserializer as _;
use serde_json::value::RawValue;

pub use container::Container;

use crate::page::Encoding;
use crate::recording::{Metadata, Recording, RecordingBuilder, Under};

/// The input formats replay-html reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PostHog "Export to file", `{"version": "2023-04-28", "data": {"snapshots": [...]}}`.
    PosthogExport20230428,
    /// PostHog "Export to file", `{"version": "2022-12-02", "data": {"snapshotsByWindowId": {...}}}`.
    PosthogExport20221202,
    /// PostHog snapshot JSONL: one `["window", event]`, event, or `{"window_id", "data"}` a line.
    SnapshotLines,
    /// A JSON array of rrweb events, with or without `windowId`.
    RrwebEvents,
    /// posthog-js capture requests (`$snapshot` events), grouped by session.
    CaptureRequests,
    /// A page replay-html wrote.
    Page,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::PosthogExport20230428 => "PostHog export (version 2023-04-28)",
            Format::PosthogExport20221202 => "PostHog export (version 2022-12-02)",
            Format::SnapshotLines => "PostHog snapshot JSONL",
            Format::RrwebEvents => "rrweb event array",
            Format::CaptureRequests => "posthog-js capture requests",
            Format::Page => "replay-html page",
        })
    }
}

/// What the tool reads, said in errors about input it does not recognise.
pub const SUPPORTED: &str = "a PostHog recording export (\"Export to file\"), PostHog snapshot JSONL, a JSON array of rrweb events, \
     posthog-js capture requests, or a page replay-html wrote";

/// An input file, made ready to read: unwrapped ([`container`]), checked to be UTF-8 text,
/// with PostHog's bare `undefined` read as `null`, and for a page, its data expanded.
/// Recordings read from it borrow their events from it.
pub struct Input {
    container: Container,
    text: String,
    /// For a page replay-html wrote: the recordings it carries.
    page: Option<Vec<bundle::PageRecording>>,
    /// What the source told about the recording beside the bytes (PostHog's API).
    metadata: Option<Metadata>,
    /// Problems in the input's wrapping that were recovered from, given to its recordings.
    warnings: Vec<String>,
}

impl Input {
    /// Takes the bytes of an input file.
    pub fn new(bytes: Vec<u8>) -> Result<Input> {
        let container::Unwrapped {
            container,
            bytes,
            warnings,
        } = container::unwrap(bytes)?;
        let (mut text, encoding) = decode_text(bytes)?;
        let page = if bundle::is_page(&text) {
            Some(bundle::read_page(&text, encoding)?)
        } else if text.trim_start().starts_with('<') {
            bail!(
                "it is an HTML page (or other markup) that replay-html did not write, so it holds no recording this tool reads: expected {SUPPORTED}"
            );
        } else {
            repair_bare_undefined(&mut text);
            crate::json::replace_lone_surrogates(&mut text);
            None
        };
        Ok(Input {
            container,
            text,
            page,
            metadata: None,
            warnings,
        })
    }

    /// Adds what the source told about the recording: each recording read from this input
    /// gets the session id, person and link it does not carry itself.
    pub fn with_metadata(mut self, metadata: Metadata) -> Input {
        self.metadata = Some(metadata);
        self
    }

    /// What the input was wrapped in.
    pub fn container(&self) -> Container {
        self.container
    }

    /// Size of the input's text, unwrapped.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Reads the input's recording; fails if it holds several (read them with [`read_inputs`]).
    pub fn read(&self) -> Result<(Format, Recording<'_>)> {
        let mut reading = read_inputs(std::slice::from_ref(self));
        match reading.len() {
            1 => {
                let read = reading.remove(0);
                Ok((read.format, read.recording?))
            }
            n => {
                let ids: Vec<String> = reading
                    .iter()
                    .filter_map(|r| r.recording.as_ref().ok()?.session_id.clone())
                    .collect();
                bail!(
                    "it holds {n} recordings (sessions {}): bundle them together, or pick one",
                    ids.join(", ")
                )
            }
        }
    }
}

/// A recording read from inputs, or why it could not be.
pub struct Read<'a> {
    /// The inputs it was read from (indexes into the slice given to [`read_inputs`]): one, or
    /// for capture requests, every request that holds events of its session.
    pub inputs: Vec<usize>,
    pub format: Format,
    pub recording: Result<Recording<'a>>,
}

impl<'a> Read<'a> {
    fn of_input(input: usize, format: Format, recording: Result<Recording<'a>>) -> Read<'a> {
        Read {
            inputs: vec![input],
            format,
            recording,
        }
    }
}

/// Reads the recordings of some inputs, in order: each input on its own, except capture
/// requests, which are read together (a session's events are spread over many requests) and
/// give one recording per session, after the others. An input that cannot be read gives one
/// failed [`Read`], and the rest goes on.
pub fn read_inputs<'a>(inputs: &'a [Input]) -> Vec<Read<'a>> {
    let mut reads = Vec::new();
    let mut sessions = capture::Sessions::new();
    let mut captures = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let read = |format, recording: Result<Recording<'a>>| {
            let recording = recording.map(|mut recording| {
                if let Some(metadata) = &input.metadata {
                    metadata.apply(&mut recording);
                }
                recording
            });
            Read::of_input(i, format, recording)
        };
        if let Some(page) = &input.page {
            reads.extend(
                page.iter()
                    .map(|r| read(Format::Page, read_page_recording(r))),
            );
            continue;
        }
        match Document::of(input.text.as_str()) {
            Err(err) => reads.push(read(Format::RrwebEvents, Err(err))),
            Ok(Document::Capture(entries)) => match sessions.add(&entries, i) {
                Ok(()) => captures.push(i),
                Err(err) => reads.push(read(Format::CaptureRequests, Err(err))),
            },
            Ok(Document::Export { version, data }) => {
                reads.push(match posthog_export::read(version, data) {
                    Ok((format, recording)) => read(format, Ok(recording)),
                    Err(err) => read(Format::PosthogExport20230428, Err(err)),
                })
            }
            Ok(Document::SnapshotLines(text)) => {
                reads.push(read(Format::SnapshotLines, snapshot_lines::read(text)))
            }
            Ok(Document::Events(events)) => {
                reads.push(read(Format::RrwebEvents, rrweb_events::read(&events)))
            }
        }
    }
    if !captures.is_empty() {
        reads.extend(
            sessions
                .finish()
                .into_iter()
                .map(|(inputs, recording)| Read {
                    inputs,
                    format: Format::CaptureRequests,
                    recording,
                }),
        );
    }
    for read in &mut reads {
        if let Ok(recording) = &mut read.recording {
            let wrapping = read.inputs.iter().flat_map(|&i| &inputs[i].warnings);
            recording.warnings.splice(0..0, wrapping.cloned());
        }
    }
    reads
}

/// An input's text, by what it holds. Telling them apart reads the text once; what was read
/// (an export's members, a list of entries) is handed on, not read again.
enum Document<'a> {
    Export {
        version: &'a RawValue,
        data: Option<posthog_export::DataMember<'a>>,
    },
    SnapshotLines(&'a str),
    Events(Vec<&'a RawValue>),
    /// A capture request body's capture events.
    Capture(Vec<&'a RawValue>),
}

/// The top-level members that tell the JSON object formats apart, read in one pass: an
/// export's `data` (most of the file) is read into its events as it is met, when its `version`
/// came first, as PostHog writes it; otherwise, or in `lenient` reading, it is kept to read later.
struct TopLevel<'a> {
    version: Option<&'a RawValue>,
    data: Option<posthog_export::DataMember<'a>>,
    batch: Option<&'a RawValue>,
    event: bool,
    properties: bool,
}

impl<'a> TopLevel<'a> {
    /// Reads the top-level object of `text`.
    fn read(text: &'a str, lenient: bool) -> serde_json::Result<TopLevel<'a>> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let top = deserializer.deserialize_map(TopLevelVisitor { lenient })?;
        deserializer.end()?;
        Ok(top)
    }
}

struct TopLevelVisitor {
    lenient: bool,
}

impl<'de> serde::de::Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: serde::de::MapAccess<'de>>(
        self,
        mut map: M,
    ) -> Result<TopLevel<'de>, M::Error> {
        use posthog_export::DataMember;
        let mut top = TopLevel {
            version: None,
            data: None,
            batch: None,
            event: false,
            properties: false,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            match key.as_ref() {
                "version" => top.version = Some(map.next_value()?),
                "data" if top.version.is_some() && !self.lenient => {
                    top.data = Some(DataMember::Read(map.next_value()?))
                }
                "data" => top.data = Some(DataMember::Raw(map.next_value()?)),
                "batch" => top.batch = Some(map.next_value()?),
                other => {
                    top.event |= other == "event";
                    top.properties |= other == "properties";
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(top)
    }
}

impl<'a> Document<'a> {
    fn of(text: &'a str) -> Result<Document<'a>> {
        if looks_like_lines(text) {
            return Ok(Document::SnapshotLines(text));
        }
        match text.trim_start().as_bytes().first() {
            Some(b'{') => {
                // An export's `data` of an unexpected shape is read again, apart, to say what
                // is wrong with it.
                let top = match TopLevel::read(text, false) {
                    Err(err) if err.classify() == serde_json::error::Category::Data => {
                        TopLevel::read(text, true)
                    }
                    read => read,
                }
                .map_err(|e| json_error(&e))?;
                if let Some(version) = top.version {
                    return Ok(Document::Export {
                        version,
                        data: top.data,
                    });
                }
                if let Some(batch) = top.batch {
                    let entries = serde_json::from_str(batch.get()).map_err(|_| {
                        anyhow::anyhow!("its \"batch\" is not a list of capture events")
                    })?;
                    return Ok(Document::Capture(entries));
                }
                let document: &RawValue = serde_json::from_str(text).map_err(|e| json_error(&e))?;
                if top.event && top.properties {
                    return Ok(Document::Capture(vec![document]));
                }
                if snapshot_lines::is_snapshot_line(document) {
                    return Ok(Document::SnapshotLines(text));
                }
                bail!(
                    "it is a JSON object without a \"version\", so not a PostHog export: expected {SUPPORTED}"
                )
            }
            Some(b'[') => {
                let entries: Vec<&RawValue> =
                    serde_json::from_str(text).map_err(|e| json_error(&e))?;
                if entries
                    .first()
                    .is_some_and(|first| capture::is_capture_event(first))
                {
                    return Ok(Document::Capture(entries));
                }
                // A lone `["<window>", event]` line is a list of two too.
                if entries.len() == 2
                    && snapshot_lines::is_snapshot_line(
                        serde_json::from_str(text).map_err(|e| json_error(&e))?,
                    )
                {
                    return Ok(Document::SnapshotLines(text));
                }
                Ok(Document::Events(entries))
            }
            _ => {
                // Not an object or a list: valid JSON of another kind, or not JSON at all.
                serde_json::from_str::<&RawValue>(text).map_err(|e| json_error(&e))?;
                bail!("it is JSON, but not a recording: expected {SUPPORTED}")
            }
        }
    }
}

/// A recording a page carries, read as any input is (its events are already in order, with
/// their Meta events, so it reads back as it was written).
fn read_page_recording(page: &bundle::PageRecording) -> Result<Recording<'_>> {
    let summary = &page.summary;
    let mut builder = RecordingBuilder::new();
    builder
        .session_id(summary["sessionId"].as_str().map(str::to_owned))
        .person(summary.get("person").cloned());
    let windows = summary["windows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let outliers = bundle::outliers(page)?;
    // With events outside the timeline, the recording's windows in their order (some may have
    // no event on the timeline), so that it reads back the same.
    for id in &outliers.windows {
        builder.window(id);
    }
    for (w, (window, chunks)) in windows.iter().zip(&page.windows).enumerate() {
        let id = window["id"].as_str().unwrap_or_default();
        for (c, chunk) in chunks.iter().enumerate() {
            let events: Vec<&RawValue> = serde_json::from_str(chunk)
                .with_context(|| format!("{}: a chunk is not JSON", bundle::CUT_SHORT))?;
            bundle::check_chunk(summary, w, c, events.len())?;
            builder.extend(&events, Under::Window(id));
        }
    }
    for (window, event) in &outliers.events {
        builder.push(event, Under::Window(window));
    }
    let mut recording = builder.finish()?;
    Metadata {
        link: summary["link"].as_str().map(str::to_owned),
        ..Metadata::default()
    }
    .apply(&mut recording);
    Ok(recording)
}

/// A JSON syntax error as one phrase that names the line and column.
pub(crate) fn json_error(err: &serde_json::Error) -> anyhow::Error {
    let what = match err.classify() {
        serde_json::error::Category::Eof => {
            "it is not valid JSON (it ends too early: was the file cut short?)"
        }
        _ => "it is not valid JSON",
    };
    anyhow::anyhow!("{what}: {err}")
}

/// The input as text, without a byte-order mark, and the encoding it came in: UTF-8, or
/// UTF-16 for a page replay-html wrote as such.
fn decode_text(mut bytes: Vec<u8>) -> Result<(String, Encoding)> {
    if let Some(page) = utf16_page(&bytes) {
        return Ok((page, Encoding::Utf16));
    }
    if bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
        || is_bomless_utf16(&bytes)
    {
        bail!(
            "it is UTF-16 text, and recordings are UTF-8: convert it first (for example `iconv -f UTF-16 -t UTF-8`)"
        );
    }
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "it is not UTF-8 text (invalid byte at offset {}): expected {SUPPORTED}",
            e.utf8_error().valid_up_to()
        )
    })?;
    if text.trim().is_empty() {
        bail!("it is empty: expected {SUPPORTED}");
    }
    Ok((text, Encoding::Utf8))
}

/// The text of a page replay-html wrote in UTF-16 (little-endian, after a byte-order mark);
/// `None` for any other input.
fn utf16_page(bytes: &[u8]) -> Option<String> {
    let text = bundle::utf16_text(bytes.strip_prefix(&[0xff, 0xfe])?);
    bundle::is_page(&text).then_some(text)
}

/// UTF-16 JSON without a byte-order mark: `{` or `[` with a zero byte beside it.
fn is_bomless_utf16(bytes: &[u8]) -> bool {
    matches!(bytes, [b'{' | b'[', 0, ..] | [0, b'{' | b'[', ..])
}

/// JSONL: the first line is a whole JSON value, and more follows it. (A one-line file is read
/// as a JSON document; a lone snapshot line is still recognised there.)
fn looks_like_lines(text: &str) -> bool {
    let text = text.trim_start();
    let Some(end) = text.find('\n') else {
        return false;
    };
    let (first, rest) = text.split_at(end);
    if rest.trim().is_empty() {
        return false;
    }
    serde_json::from_str::<&RawValue>(first.trim_end()).is_ok()
}

/// PostHog's exporter writes `"person":undefined` when it has no person (it builds the JSON by
/// hand). Where the text may hold a bare `undefined` (after `:`, `[` or `,`), and it indeed
/// stops the parser, each one the parser stops at is read as `null`, padded to keep every later
/// line and column as they were. Anything else that is wrong is left for the reader to report.
fn repair_bare_undefined(text: &mut String) {
    const WORD: &str = "undefined";
    const PATCH: &str = "null     ";
    const MAX_REPAIRS: usize = 16;
    let may_hold_one = memchr::memmem::find_iter(text.as_bytes(), WORD).any(|at| {
        matches!(
            text[..at].trim_end().as_bytes().last(),
            Some(b':' | b'[' | b',')
        )
    });
    if !may_hold_one {
        return;
    }
    for _ in 0..MAX_REPAIRS {
        let Err(err) = serde_json::from_str::<&RawValue>(text) else {
            return;
        };
        let Some(offset) = byte_offset(text, err.line(), err.column()) else {
            return;
        };
        // serde_json reports the error at, or just after, the first character it could not take.
        let Some(start) = (offset.saturating_sub(1)..=offset)
            .find(|&i| text.get(i..).is_some_and(|t| t.starts_with(WORD)))
        else {
            return;
        };
        text.replace_range(start..start + WORD.len(), PATCH);
    }
}

/// Byte offset of a 1-based line and column (columns count bytes, as serde_json does).
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    Some(line_start + column.saturating_sub(1))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Reads an input as the bundler does, keeping it for the rest of the test.
    pub(crate) fn read_leaked(bytes: &[u8]) -> Result<(Format, Recording<'static>)> {
        let input: &'static Input = Box::leak(Box::new(Input::new(bytes.to_vec())?));
        input.read()
    }

    fn read(bytes: &[u8]) -> Result<Format> {
        Ok(read_leaked(bytes)?.0)
    }

    /// The capture events of a request body, if it is one.
    pub(crate) fn capture_entries(body: &str) -> Option<Vec<&RawValue>> {
        match Document::of(body).ok()? {
            Document::Capture(entries) => Some(entries),
            _ => None,
        }
    }

    #[test]
    fn recognises_every_capture_request_body() {
        let event = r#"{"event":"$snapshot","properties":{"$session_id":"s","$snapshot_data":[]}}"#;
        for body in [
            format!("[{event}]"),
            format!(r#"{{"batch":[{event}]}}"#),
            event.to_owned(),
        ] {
            assert_eq!(capture_entries(&body).map(|e| e.len()), Some(1), "{body}");
        }
        for other in [
            r#"[{"type":2,"timestamp":1}]"#,
            r#"{"version":"2023-04-28"}"#,
            "[]",
            r#"["w",{"type":2}]"#,
            "[[1,2]]",
        ] {
            assert!(capture_entries(other).is_none(), "{other}");
        }
    }

    fn error_of(input: &[u8]) -> String {
        format!("{:#}", read(input).unwrap_err())
    }

    fn repair(text: &str) -> String {
        let mut text = text.to_owned();
        repair_bare_undefined(&mut text);
        text
    }

    #[test]
    fn reads_bare_undefined_as_null_and_keeps_positions() {
        let text = "{\"a\":undefined,\"b\":[1,\n  undefined]}";
        assert_eq!(repair(text), "{\"a\":null     ,\"b\":[1,\n  null     ]}");
    }

    #[test]
    fn does_not_repair_other_errors() {
        for text in [
            r#"{"a":"undefined",}"#,
            r#"{"a":nope}"#,
            r#"{"a":"x:undefined"}"#,
        ] {
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn names_line_and_column_of_a_syntax_error() {
        let err = error_of(b"{\"version\": \"2023-04-28\",\n \"data\": {\"snapshots\": [}}");
        assert!(
            err.contains("not valid JSON") && err.contains("line 2 column 25"),
            "{err}"
        );
    }

    #[test]
    fn says_when_the_file_was_cut_short() {
        let err = error_of(br#"{"version": "2023-04-28", "data": {"snapshots": [{"type": 2"#);
        assert!(err.contains("cut short"), "{err}");
    }

    #[test]
    fn refuses_empty_binary_and_utf16_input() {
        assert!(error_of(b"").contains("it is empty"));
        assert!(error_of(b" \n\t ").contains("it is empty"));
        assert!(error_of(&[0x00, 0xff, 0x13, 0x80]).contains("not UTF-8"));
        assert!(error_of(b"\xff\xfe[\x00]\x00").contains("UTF-16"));
        assert!(error_of(b"[\x00]\x00").contains("UTF-16"));
    }

    #[test]
    fn refuses_json_of_another_shape() {
        assert!(error_of(b"42").contains("not a recording"));
        assert!(error_of(br#""text""#).contains("not a recording"));
    }

    #[test]
    fn tolerates_a_byte_order_mark() {
        let input = b"\xef\xbb\xbf[{\"type\":2,\"data\":{\"node\":{}},\"timestamp\":1}]";
        assert_eq!(read(input).unwrap(), Format::RrwebEvents);
    }

    #[test]
    fn reads_gzip_compressed_input() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(br#"[{"type":2,"data":{"node":{}},"timestamp":1}]"#)
            .unwrap();
        let input = Input::new(gz.finish().unwrap()).unwrap();
        assert_eq!(input.container(), Container::Gzip);
        let (format, rec) = input.read().unwrap();
        assert_eq!(format, Format::RrwebEvents);
        assert_eq!(rec.windows.len(), 1);
    }
}
