//! The normalized recording: what every input format is read into, and what the payload is
//! built from.
//!
//! A [`Recording`] is a list of windows, each with its rrweb events sorted by time. Events keep
//! their original JSON text ([`RawValue`]): the bundler only looks at the few fields it needs
//! (type, timestamp, window) and passes the rest through untouched.
//!
//! Readers feed events to a [`RecordingBuilder`], which decompresses posthog-js events, groups
//! them by window, orders them by time, adds the Meta events the player needs and refuses a
//! recording that cannot be played.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::input::posthog_compression;
use crate::json;

/// rrweb event types (`EventType` in rrweb).
pub mod event_type {
    pub const FULL_SNAPSHOT: u8 = 2;
    pub const INCREMENTAL_SNAPSHOT: u8 = 3;
    pub const META: u8 = 4;
    pub const CUSTOM: u8 = 5;
    pub const PLUGIN: u8 = 6;
}

/// Viewport used for an inserted Meta event when the recording never tells it.
const FALLBACK_VIEWPORT: (u64, u64) = (1280, 720);

/// One rrweb event: the fields the bundler reads, and the event's JSON text as it came in
/// (or as rewritten by decompression).
#[derive(Debug, Clone)]
pub struct Event {
    /// Milliseconds since the Unix epoch.
    pub timestamp: f64,
    /// rrweb event type (see [`event_type`]).
    pub kind: u8,
    /// The whole event as JSON.
    pub raw: Box<RawValue>,
}

/// One browser window (or tab) of a session, with its events in time order.
#[derive(Debug, Clone)]
pub struct Window {
    /// The window id the recording gives (a posthog-js UUID, a small integer as text, or `""`
    /// when the input names no window).
    pub id: String,
    pub events: Vec<Event>,
}

impl Window {
    pub fn start(&self) -> f64 {
        self.events.first().map_or(0.0, |e| e.timestamp)
    }

    pub fn end(&self) -> f64 {
        self.events.last().map_or(0.0, |e| e.timestamp)
    }
}

/// A whole session, ready to be bundled.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// The session id, when the input names one.
    pub session_id: Option<String>,
    /// PostHog's person object, when the input carries one.
    pub person: Option<Value>,
    /// Windows in order of first appearance (by time); each has a FullSnapshot.
    pub windows: Vec<Window>,
    /// Problems that were recovered from, worded for the user.
    pub warnings: Vec<String>,
}

impl Recording {
    /// Timestamp of the first event of the whole recording.
    pub fn start(&self) -> f64 {
        self.windows
            .iter()
            .map(Window::start)
            .fold(f64::INFINITY, f64::min)
    }

    /// Timestamp of the last event of the whole recording.
    pub fn end(&self) -> f64 {
        self.windows
            .iter()
            .map(Window::end)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Milliseconds from the first to the last event.
    pub fn duration(&self) -> f64 {
        if self.windows.is_empty() {
            0.0
        } else {
            self.end() - self.start()
        }
    }

    /// The window that holds the last event: where the session ends.
    pub fn last_window(&self) -> Option<&Window> {
        // On a tie the later window wins: it is the one that appeared last.
        self.windows
            .iter()
            .rev()
            .max_by(|a, b| a.end().total_cmp(&b.end()))
    }

    /// The first page address the recording shows (Meta events and PostHog's `$pageview` and
    /// `$url_changed` custom events), in time order across windows.
    pub fn first_url(&self) -> Option<String> {
        self.windows
            .iter()
            .filter_map(|w| {
                w.events
                    .iter()
                    .find_map(|e| page_address(e).map(|href| (e.timestamp, href)))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, href)| href)
    }

    /// Number of events in all windows.
    pub fn event_count(&self) -> usize {
        self.windows.iter().map(|w| w.events.len()).sum()
    }
}

/// The address an event shows, for Meta events and PostHog's page-view custom events.
pub fn page_address(event: &Event) -> Option<String> {
    #[derive(Deserialize)]
    struct Href {
        href: Option<String>,
    }
    #[derive(Deserialize)]
    struct Custom {
        tag: Option<String>,
        payload: Option<Href>,
    }
    #[derive(Deserialize)]
    struct Wrapper<T> {
        data: T,
    }
    match event.kind {
        event_type::META => serde_json::from_str::<Wrapper<Href>>(event.raw.get())
            .ok()?
            .data
            .href
            .filter(|h| !h.is_empty()),
        event_type::CUSTOM => {
            let custom = serde_json::from_str::<Wrapper<Custom>>(event.raw.get())
                .ok()?
                .data;
            match custom.tag.as_deref() {
                Some("$pageview" | "$url_changed") => {
                    custom.payload?.href.filter(|h| !h.is_empty())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The fields of an event the bundler reads. Everything else stays in the raw text.
#[derive(Deserialize)]
struct EventHeader<'a> {
    #[serde(rename = "type")]
    kind: Option<u8>,
    timestamp: Option<f64>,
    #[serde(borrow, default)]
    cv: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "windowId")]
    window_id: Option<&'a RawValue>,
}

/// Collects events window by window and turns them into a playable [`Recording`].
#[derive(Default)]
pub struct RecordingBuilder {
    session_id: Option<String>,
    person: Option<Value>,
    windows: Vec<Window>,
    window_index: HashMap<String, usize>,
    skipped_not_events: usize,
    too_deep: usize,
    snapshots_without_dom: usize,
    undecodable: Vec<String>,
    warnings: Vec<String>,
}

impl RecordingBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn session_id(&mut self, id: Option<String>) -> &mut Self {
        self.session_id = id.filter(|s| !s.is_empty());
        self
    }

    pub fn person(&mut self, person: Option<Value>) -> &mut Self {
        self.person = person.filter(|p| !p.is_null());
        self
    }

    /// Adds a warning that a reader recovered from.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// Adds one event. `window` is the window the input files it under, or `None` to take the
    /// event's own `windowId` field (no field: the unnamed window `""`). Events that are not
    /// rrweb events (no numeric `type` and `timestamp`) are skipped and counted in a warning;
    /// `cv`-compressed events are decompressed.
    pub fn push(&mut self, raw: &RawValue, window: Option<&str>) {
        // An event is an object (serde would also take `[type, timestamp]` for the header).
        if !raw.get().starts_with('{') {
            self.skipped_not_events += 1;
            return;
        }
        if json::nesting_depth(raw.get().as_bytes()) > json::MAX_DEPTH {
            self.too_deep += 1;
            return;
        }
        let Ok(header) = json::from_str_within_depth::<EventHeader>(raw.get()) else {
            self.skipped_not_events += 1;
            return;
        };
        let (Some(kind), Some(timestamp)) = (header.kind, header.timestamp) else {
            self.skipped_not_events += 1;
            return;
        };
        if kind > event_type::PLUGIN || !timestamp.is_finite() || timestamp.abs() >= MAX_TIMESTAMP {
            self.skipped_not_events += 1;
            return;
        }
        let own_window;
        let window_id = match window {
            Some(id) => id,
            None => {
                own_window = window_id_text(header.window_id);
                own_window.as_str()
            }
        };
        let mut raw = match header.cv {
            None => raw.to_owned(),
            Some(cv) => match posthog_compression::decompress_event(raw, cv) {
                Ok(raw) => raw,
                Err(err) => {
                    self.undecodable.push(format!("{err:#}"));
                    return;
                }
            },
        };
        if header.window_id.is_some() {
            raw = without_window_id(&raw);
        }
        if kind == event_type::FULL_SNAPSHOT && !holds_a_dom(&raw) {
            self.snapshots_without_dom += 1;
            return;
        }
        let index = match self.window_index.get(window_id) {
            Some(&i) => i,
            None => {
                self.windows.push(Window {
                    id: window_id.to_owned(),
                    events: Vec::new(),
                });
                self.window_index
                    .insert(window_id.to_owned(), self.windows.len() - 1);
                self.windows.len() - 1
            }
        };
        self.windows[index].events.push(Event {
            timestamp,
            kind,
            raw,
        });
    }

    /// Orders, completes and checks the recording.
    ///
    /// Fails when no window has a FullSnapshot: rrweb can only replay from one.
    pub fn finish(mut self) -> Result<Recording> {
        if self.skipped_not_events > 0 {
            let entries = match self.skipped_not_events {
                1 => "1 entry that is not an rrweb event".to_owned(),
                n => format!("{n} entries that are not rrweb events"),
            };
            self.warnings.push(format!(
                "skipped {entries} (an rrweb event is an object with a \"type\" from 0 to 6 and a numeric \"timestamp\")"
            ));
        }
        if self.too_deep > 0 {
            self.warnings.push(format!(
                "skipped {} event{} nested more than {} levels deep, more than a browser can rebuild",
                self.too_deep,
                if self.too_deep == 1 { "" } else { "s" },
                json::MAX_DEPTH,
            ));
        }
        if self.snapshots_without_dom > 0 {
            self.warnings.push(format!(
                "skipped {} full snapshot{} without a serialized page (\"data.node\")",
                self.snapshots_without_dom,
                if self.snapshots_without_dom == 1 {
                    ""
                } else {
                    "s"
                },
            ));
        }
        if let Some(first) = self.undecodable.first() {
            self.warnings.push(format!(
                "skipped {} compressed event{} that could not be decompressed (first: {first})",
                self.undecodable.len(),
                if self.undecodable.len() == 1 { "" } else { "s" },
            ));
        }

        let total: usize = self.windows.iter().map(|w| w.events.len()).sum();
        if total == 0 {
            bail!("the recording holds no rrweb events");
        }

        let mut duplicates = 0;
        let mut windows = Vec::with_capacity(self.windows.len());
        let mut without_snapshot = Vec::new();
        for mut window in self.windows {
            // A stable sort keeps the recorder's order for events of the same millisecond
            // (a Meta event and its FullSnapshot share one).
            window
                .events
                .sort_by(|a, b| a.timestamp.total_cmp(&b.timestamp));
            duplicates += remove_duplicates(&mut window.events);
            if window
                .events
                .iter()
                .any(|e| e.kind == event_type::FULL_SNAPSHOT)
            {
                insert_missing_meta(&mut window)?;
                windows.push(window);
            } else {
                without_snapshot.push(window);
            }
        }

        if duplicates > 0 {
            self.warnings.push(format!(
                "dropped {duplicates} duplicate event{} (the same event twice at the same moment, as overlapping exports give)",
                if duplicates == 1 { "" } else { "s" },
            ));
        }
        if windows.is_empty() {
            bail!(
                "no window of the recording has a full DOM snapshot (rrweb event type 2), so there is nothing to replay from; \
                 the export may have been cut short or made before the recording started"
            );
        }
        for window in &without_snapshot {
            self.warnings.push(format!(
                "left out window {} ({} events): it has no full DOM snapshot to replay from",
                display_window_id(&window.id),
                window.events.len()
            ));
        }
        windows.sort_by(|a, b| a.start().total_cmp(&b.start()));

        Ok(Recording {
            session_id: self.session_id,
            person: self.person,
            windows,
            warnings: self.warnings,
        })
    }
}

/// The event without its `windowId` field: in a recording, the window is where an event is
/// filed, not part of the event, so events read the same from every input format.
fn without_window_id(raw: &RawValue) -> Box<RawValue> {
    #[derive(Deserialize)]
    struct WindowField<'a> {
        #[serde(borrow, rename = "windowId")]
        window_id: Option<&'a RawValue>,
    }
    let text = raw.get();
    let Ok(WindowField {
        window_id: Some(value),
    }) = serde_json::from_str(text)
    else {
        return raw.to_owned();
    };
    let cut = remove_member(text, value.get(), "windowId").or_else(|| {
        // The key was written unusually (escaped): rewrite the whole object.
        let mut object: serde_json::Map<String, Value> = serde_json::from_str(text).ok()?;
        object.remove("windowId");
        serde_json::to_string(&object).ok()
    });
    cut.and_then(|text| RawValue::from_string(text).ok())
        .unwrap_or_else(|| raw.to_owned())
}

/// Removes the member `"key": value` from the JSON object `text`, where `value` is the member's
/// value as a slice of `text`. Returns `None` if the text around the value is not `"key":`.
fn remove_member(text: &str, value: &str, key: &str) -> Option<String> {
    let value_start = (value.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let value_end = value_start + value.len();
    let before_value = text
        .get(..value_start)?
        .trim_end()
        .strip_suffix(':')?
        .trim_end();
    let key_start = before_value.strip_suffix(&format!("\"{key}\""))?.len();
    let head = text[..key_start].trim_end();
    let tail = &text[value_end..];
    Some(match head.strip_suffix(',') {
        // Not the first member: drop the comma before it.
        Some(head) => format!("{head}{tail}"),
        // The first member: drop the comma after it.
        None => {
            let tail = tail.trim_start();
            format!("{head}{}", tail.strip_prefix(',').unwrap_or(tail))
        }
    })
}

/// Largest timestamp magnitude taken (about the year 33,000): beyond it a timestamp is not a
/// time, and f64 would no longer hold whole milliseconds.
const MAX_TIMESTAMP: f64 = 1.0e15;

/// Whether a FullSnapshot event carries a serialized page to rebuild (`data.node`, an object).
fn holds_a_dom(raw: &RawValue) -> bool {
    #[derive(Deserialize)]
    struct Data<'a> {
        #[serde(borrow)]
        node: &'a RawValue,
    }
    #[derive(Deserialize)]
    struct Snapshot<'a> {
        #[serde(borrow)]
        data: Data<'a>,
    }
    json::from_str_within_depth::<Snapshot>(raw.get())
        .is_ok_and(|s| s.data.node.get().starts_with('{'))
}

/// Removes events that are exact copies of another event of the same moment, from events
/// sorted by time. Returns how many were removed.
fn remove_duplicates(events: &mut Vec<Event>) -> usize {
    let before = events.len();
    let mut kept: Vec<Event> = Vec::with_capacity(events.len());
    let mut moment_start = 0; // index in `kept` of the first event of the current moment
    for event in events.drain(..) {
        if kept
            .last()
            .is_some_and(|last| last.timestamp != event.timestamp)
        {
            moment_start = kept.len();
        }
        if !kept[moment_start..]
            .iter()
            .any(|k| k.raw.get() == event.raw.get())
        {
            kept.push(event);
        }
    }
    *events = kept;
    before - events.len()
}

/// A window id as text: strings as they are, numbers as written, anything else as no window.
pub fn window_id_text(value: Option<&RawValue>) -> String {
    match value.map(|v| serde_json::from_str::<Value>(v.get())) {
        Some(Ok(Value::String(s))) => s,
        Some(Ok(Value::Number(n))) => n.to_string(),
        _ => String::new(),
    }
}

/// How a window id reads in a message.
pub fn display_window_id(id: &str) -> String {
    if id.is_empty() {
        "(unnamed)".to_owned()
    } else {
        format!("\"{id}\"")
    }
}

/// Puts a Meta event before every FullSnapshot that is not preceded by one: rrweb's player
/// takes the page's address and viewport from it. Its values come from the closest Meta event
/// of the window (earlier first, then later), a viewport-resize event, or a page-view event.
fn insert_missing_meta(window: &mut Window) -> Result<()> {
    let needs_meta = |events: &[Event], i: usize| {
        events[i].kind == event_type::FULL_SNAPSHOT
            && (i == 0 || events[i - 1].kind != event_type::META)
    };
    if !(0..window.events.len()).any(|i| needs_meta(&window.events, i)) {
        return Ok(());
    }

    let mut known = PageFacts::default();
    // Facts from later events fill in what is still unknown when the first snapshot comes.
    let mut later = PageFacts::default();
    for event in window.events.iter().rev() {
        later.learn_from(event);
    }

    let mut events = Vec::with_capacity(window.events.len() + 1);
    for (i, event) in window.events.iter().enumerate() {
        known.learn_from(event);
        if needs_meta(&window.events, i) {
            events.push(known.meta_event(&later, event.timestamp)?);
        }
        events.push(event.clone());
    }
    window.events = events;
    Ok(())
}

/// What the recording has told about the page so far.
#[derive(Default)]
struct PageFacts {
    href: Option<String>,
    viewport: Option<(u64, u64)>,
}

impl PageFacts {
    fn learn_from(&mut self, event: &Event) {
        #[derive(Deserialize)]
        struct Data {
            width: Option<u64>,
            height: Option<u64>,
            source: Option<u64>,
        }
        #[derive(Deserialize)]
        struct Wrapper {
            data: Data,
        }
        const VIEWPORT_RESIZE: u64 = 4;
        // Meta events and viewport resizes tell the viewport. A resize event is small, so
        // larger incremental events are not parsed at all.
        let may_tell_viewport = event.kind == event_type::META
            || (event.kind == event_type::INCREMENTAL_SNAPSHOT && event.raw.get().len() < 256);
        if may_tell_viewport
            && let Ok(w) = serde_json::from_str::<Wrapper>(event.raw.get())
            && (event.kind == event_type::META || w.data.source == Some(VIEWPORT_RESIZE))
            && let (Some(width), Some(height)) = (w.data.width, w.data.height)
        {
            self.viewport = Some((width, height));
        }
        if let Some(href) = page_address(event) {
            self.href = Some(href);
        }
    }

    fn meta_event(&self, later: &PageFacts, timestamp: f64) -> Result<Event> {
        let href = self.href.as_ref().or(later.href.as_ref());
        let (width, height) = self
            .viewport
            .or(later.viewport)
            .unwrap_or(FALLBACK_VIEWPORT);
        let meta = json!({
            "type": event_type::META,
            "data": {"href": href.map_or("", String::as_str), "width": width, "height": height},
            "timestamp": timestamp_value(timestamp),
        });
        Ok(Event {
            timestamp,
            kind: event_type::META,
            raw: RawValue::from_string(meta.to_string())
                .context("could not write an inserted Meta event")?,
        })
    }
}

/// A timestamp as JSON: an integer when it is one, as recorders write it.
fn timestamp_value(timestamp: f64) -> Value {
    if timestamp.fract() == 0.0 && timestamp.abs() < 9.0e15 {
        json!(timestamp as i64)
    } else {
        json!(timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    fn build(events: &[(&str, &str)]) -> Result<Recording> {
        let mut builder = RecordingBuilder::new();
        for (window, event) in events {
            builder.push(&raw(event), Some(window));
        }
        builder.finish()
    }

    #[test]
    fn groups_by_window_and_orders_by_time() {
        let rec = build(&[
            ("b", r#"{"type":2,"data":{"node":{}},"timestamp":30}"#),
            ("a", r#"{"type":3,"data":{"source":1},"timestamp":20}"#),
            (
                "a",
                r#"{"type":4,"data":{"href":"https://x/","width":1,"height":2},"timestamp":10}"#,
            ),
            ("a", r#"{"type":2,"data":{"node":{}},"timestamp":10}"#),
        ])
        .unwrap();
        let ids: Vec<_> = rec.windows.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        let a: Vec<_> = rec.windows[0]
            .events
            .iter()
            .map(|e| (e.kind, e.timestamp))
            .collect();
        assert_eq!(a, [(4, 10.0), (2, 10.0), (3, 20.0)]);
        assert_eq!(rec.duration(), 20.0);
        assert_eq!(rec.last_window().unwrap().id, "b");
        assert_eq!(rec.first_url().as_deref(), Some("https://x/"));
    }

    #[test]
    fn inserts_meta_before_a_snapshot_without_one() {
        let rec = build(&[
            (
                "w",
                r#"{"type":4,"data":{"href":"https://a/","width":800,"height":600},"timestamp":1}"#,
            ),
            ("w", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            (
                "w",
                r#"{"type":3,"data":{"source":4,"width":1024,"height":768},"timestamp":5}"#,
            ),
            ("w", r#"{"type":2,"data":{"node":{}},"timestamp":9}"#),
        ])
        .unwrap();
        let events = &rec.windows[0].events;
        assert_eq!(
            events.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [4, 2, 3, 4, 2]
        );
        let meta: Value = serde_json::from_str(events[3].raw.get()).unwrap();
        assert_eq!(
            meta,
            json!({"type":4,"data":{"href":"https://a/","width":1024,"height":768},"timestamp":9})
        );
    }

    #[test]
    fn inserted_meta_learns_from_later_events_when_nothing_came_before() {
        let rec = build(&[
            ("w", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            ("w", r#"{"type":5,"data":{"tag":"$pageview","payload":{"href":"https://later/"}},"timestamp":2}"#),
        ])
        .unwrap();
        let meta: Value = serde_json::from_str(rec.windows[0].events[0].raw.get()).unwrap();
        assert_eq!(
            meta["data"],
            json!({"href":"https://later/","width":1280,"height":720})
        );
    }

    #[test]
    fn refuses_a_recording_without_full_snapshot() {
        let err = build(&[("w", r#"{"type":3,"data":{"source":1},"timestamp":1}"#)]).unwrap_err();
        assert!(
            err.to_string()
                .contains("no window of the recording has a full DOM snapshot")
        );
    }

    #[test]
    fn leaves_out_windows_without_snapshot_with_a_warning() {
        let rec = build(&[
            ("a", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            ("b", r#"{"type":3,"data":{"source":1},"timestamp":2}"#),
        ])
        .unwrap();
        assert_eq!(rec.windows.len(), 1);
        assert!(
            rec.warnings[0].contains("left out window \"b\""),
            "{:?}",
            rec.warnings
        );
    }

    #[test]
    fn skips_entries_that_are_not_events_with_a_warning() {
        let rec = build(&[
            ("a", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            ("a", r#"{"type":3,"data":{}}"#),
            ("a", r#"{"type":3,"data":{},"timestamp":"soon"}"#),
            ("a", r#"[1,2]"#),
        ])
        .unwrap();
        assert_eq!(rec.event_count(), 2); // the snapshot and its inserted Meta
        assert!(
            rec.warnings[0].starts_with("skipped 3 entries"),
            "{:?}",
            rec.warnings
        );
    }

    #[test]
    fn takes_the_window_from_the_event_when_the_input_does_not_give_it() {
        let mut builder = RecordingBuilder::new();
        builder.push(
            &raw(r#"{"type":2,"data":{"node":{}},"timestamp":1,"windowId":7}"#),
            None,
        );
        builder.push(
            &raw(r#"{"type":2,"data":{"node":{}},"timestamp":2,"windowId":"u-1"}"#),
            None,
        );
        builder.push(&raw(r#"{"type":2,"data":{"node":{}},"timestamp":3}"#), None);
        let ids: Vec<_> = builder
            .finish()
            .unwrap()
            .windows
            .into_iter()
            .map(|w| w.id)
            .collect();
        assert_eq!(ids, ["7", "u-1", ""]);
    }

    #[test]
    fn events_do_not_keep_their_window_field() {
        for (input, expected) in [
            (
                r#"{"windowId":1,"type":2,"data":{"node":{}},"timestamp":1}"#,
                r#"{"type":2,"data":{"node":{}},"timestamp":1}"#,
            ),
            (
                r#"{"type":2,"data":{"node":{}},"timestamp":1,"windowId":"a"}"#,
                r#"{"type":2,"data":{"node":{}},"timestamp":1}"#,
            ),
            (
                r#"{"type":2, "windowId" : "a" , "data":{"node":{}},"timestamp":1}"#,
                r#"{"type":2 , "data":{"node":{}},"timestamp":1}"#,
            ),
            // An escaped key: the object is rewritten (serde_json sorts its members).
            (
                r#"{"type":2,"window\u0049d":"a","data":{"node":{}},"timestamp":1}"#,
                r#"{"data":{"node":{}},"timestamp":1,"type":2}"#,
            ),
        ] {
            let mut builder = RecordingBuilder::new();
            builder.push(&raw(input), None);
            let rec = builder.finish().unwrap();
            assert_eq!(rec.windows[0].events.last().unwrap().raw.get(), expected);
        }
    }

    #[test]
    fn drops_exact_duplicates_of_the_same_moment_only() {
        let rec = build(&[
            ("a", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            ("a", r#"{"type":3,"data":{"source":1,"x":1},"timestamp":5}"#),
            ("a", r#"{"type":3,"data":{"source":1,"x":2},"timestamp":5}"#),
            ("a", r#"{"type":3,"data":{"source":1,"x":1},"timestamp":5}"#),
            ("a", r#"{"type":3,"data":{"source":1,"x":1},"timestamp":6}"#),
            ("a", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
        ])
        .unwrap();
        // Meta, snapshot, x1@5, x2@5, x1@6
        assert_eq!(rec.event_count(), 5);
        assert!(
            rec.warnings
                .iter()
                .any(|w| w.starts_with("dropped 2 duplicate events")),
            "{:?}",
            rec.warnings
        );
    }

    #[test]
    fn skips_snapshots_without_a_page_and_events_of_unknown_type_or_time() {
        let rec = build(&[
            (
                "a",
                r#"{"type":2,"data":{"node":{"type":0}},"timestamp":1}"#,
            ),
            ("a", r#"{"type":2,"data":5,"timestamp":2}"#),
            ("a", r#"{"type":2,"data":{"node":"html"},"timestamp":3}"#),
            ("a", r#"{"type":9,"data":{},"timestamp":4}"#),
            ("a", r#"{"type":3,"data":{},"timestamp":1e300}"#),
        ])
        .unwrap();
        assert_eq!(rec.event_count(), 2);
        assert!(
            rec.warnings
                .iter()
                .any(|w| w.starts_with("skipped 2 full snapshots")),
            "{:?}",
            rec.warnings
        );
        assert!(
            rec.warnings
                .iter()
                .any(|w| w.starts_with("skipped 2 entries")),
            "{:?}",
            rec.warnings
        );
    }

    #[test]
    fn refuses_zero_events() {
        let err = build(&[]).unwrap_err();
        assert!(err.to_string().contains("no rrweb events"));
    }
}
