//! The normalized recording: what every input format is read into, and what the payload is
//! built from.
//!
//! A [`Recording`] is a list of windows, each with its rrweb events sorted by time. Events are
//! not copied out of the input: each keeps its text as a slice of the input ([`EventJson`]),
//! and only the fields the bundler needs (type, source, timestamp, window) are read. A
//! recording costs a few dozen bytes an event beyond the input itself, whatever its size, and
//! the events reach the page byte for byte as the recorder wrote them.
//!
//! Readers feed events to a [`RecordingBuilder`], which groups them by window, orders them by
//! time, drops duplicates, adds the Meta events the player needs and refuses a recording that
//! cannot be played. posthog-js compressed events stay compressed here; they are expanded
//! ([`posthog_compression`]) as the page is written ([`EventJson::write_to`]), so that the
//! expanded text, often several times the input's size, is never all in memory at once.

use std::borrow::Cow;
use std::collections::HashMap;

use anyhow::{Result, bail};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::json;
use crate::plural;

pub mod outliers;
pub mod posthog_compression;

/// rrweb event types (`EventType` in rrweb).
pub mod event_type {
    pub const FULL_SNAPSHOT: u8 = 2;
    pub const INCREMENTAL_SNAPSHOT: u8 = 3;
    pub const META: u8 = 4;
    pub const CUSTOM: u8 = 5;
    pub const PLUGIN: u8 = 6;
}

/// rrweb incremental snapshot sources (`IncrementalSource` in rrweb).
pub mod source {
    pub const MUTATION: u8 = 0;
    pub const MOUSE_MOVE: u8 = 1;
    pub const MOUSE_INTERACTION: u8 = 2;
    pub const SCROLL: u8 = 3;
    pub const VIEWPORT_RESIZE: u8 = 4;
    pub const INPUT: u8 = 5;
    pub const TOUCH_MOVE: u8 = 6;
    pub const MEDIA_INTERACTION: u8 = 7;
    pub const STYLE_SHEET_RULE: u8 = 8;
    pub const LOG: u8 = 11;
    pub const DRAG: u8 = 12;
}

/// Viewport used for an inserted Meta event when the recording never tells it.
const FALLBACK_VIEWPORT: (u64, u64) = (1280, 720);

/// Largest timestamp magnitude taken (about the year 33,000): beyond it a timestamp is not a
/// time, and f64 would no longer hold whole milliseconds.
const MAX_TIMESTAMP: f64 = 1.0e15;

/// One rrweb event: the fields the bundler reads, and the event's JSON text.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Milliseconds since the Unix epoch.
    pub timestamp: f64,
    /// rrweb event type (see [`event_type`]).
    pub kind: u8,
    /// For incremental snapshots, what changed (see [`source`]).
    pub source: Option<u8>,
    pub json: EventJson<'a>,
}

/// The JSON text of an event.
#[derive(Debug, Clone)]
pub enum EventJson<'a> {
    /// The event as the input holds it, but for the byte span `omit` of `text`, which the
    /// recording leaves out (the event's `windowId` member: the window is where an event is
    /// filed, not part of it, so events read alike from every input format).
    Input {
        text: &'a str,
        omit: Option<(u32, u32)>,
    },
    /// A posthog-js compressed event (`"cv"`), as the input holds it: expanded when written.
    Compressed(&'a str),
    /// An event the bundler wrote: an inserted Meta event, or one rewritten by redaction.
    Owned(Box<str>),
}

impl<'a> EventJson<'a> {
    /// The event as the input holds it, leaving out the span `omit`.
    fn input(text: &'a str, omit: Option<std::ops::Range<usize>>) -> EventJson<'a> {
        let omit = omit.and_then(|span| {
            Some((
                u32::try_from(span.start).ok()?,
                u32::try_from(span.end).ok()?,
            ))
        });
        EventJson::Input { text, omit }
    }

    /// The text as written to the page, in up to two pieces (the text around an omitted
    /// member), without expanding a compressed event.
    fn pieces(&self) -> (&str, &str) {
        match self {
            EventJson::Input {
                text,
                omit: Some((start, end)),
            } => (&text[..*start as usize], &text[*end as usize..]),
            EventJson::Input { text, omit: None } | EventJson::Compressed(text) => (text, ""),
            EventJson::Owned(text) => (text, ""),
        }
    }

    /// Length of the text as the input holds it (compressed events not expanded).
    pub fn input_len(&self) -> usize {
        let (head, tail) = self.pieces();
        head.len() + tail.len()
    }

    /// Whether this is posthog-js compressed, and is expanded when written.
    pub fn is_compressed(&self) -> bool {
        matches!(self, EventJson::Compressed(_))
    }

    /// Text to read fields from: the event as written, or for a compressed event its
    /// compressed text (whose small fields, like `type` and `timestamp`, read the same).
    pub fn readable(&self) -> Cow<'_, str> {
        match self.pieces() {
            (whole, "") => Cow::Borrowed(whole),
            (head, tail) => Cow::Owned(format!("{head}{tail}")),
        }
    }

    /// The event's text as the page carries it, compressed events expanded.
    pub fn text(&self) -> Result<Cow<'_, str>> {
        match self {
            EventJson::Compressed(text) => Ok(Cow::Owned(posthog_compression::expand_event(text)?)),
            _ => Ok(self.readable()),
        }
    }

    /// Appends the event's text as the page carries it, compressed events expanded.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<()> {
        match self {
            EventJson::Compressed(text) => {
                out.extend_from_slice(posthog_compression::expand_event(text)?.as_bytes())
            }
            _ => {
                let (head, tail) = self.pieces();
                out.extend_from_slice(head.as_bytes());
                out.extend_from_slice(tail.as_bytes());
            }
        }
        Ok(())
    }

    /// Whether two events are written alike. Two compressed events are compared as they
    /// are; a compressed event and a plain one by the compressed one's expanded text, so an
    /// event is the same however the input held it.
    fn same_as(&self, other: &EventJson) -> bool {
        if self.is_compressed() != other.is_compressed() {
            return matches!((self.text(), other.text()), (Ok(a), Ok(b)) if a == b);
        }
        let (a, b) = (self.pieces(), other.pieces());
        a.0.len() + a.1.len() == b.0.len() + b.1.len()
            && a.0
                .bytes()
                .chain(a.1.bytes())
                .eq(b.0.bytes().chain(b.1.bytes()))
    }
}

/// One browser window (or tab) of a session, with its events in time order.
#[derive(Debug, Clone)]
pub struct Window<'a> {
    /// The window id the recording gives (a posthog-js UUID, a small integer as text, or `""`
    /// when the input names no window).
    pub id: String,
    pub events: Vec<Event<'a>>,
}

impl Window<'_> {
    pub fn start(&self) -> f64 {
        self.events.first().map_or(0.0, |e| e.timestamp)
    }

    pub fn end(&self) -> f64 {
        self.events.last().map_or(0.0, |e| e.timestamp)
    }
}

/// A whole session, ready to be bundled.
#[derive(Debug, Clone, Default)]
pub struct Recording<'a> {
    /// The session id, when the input names one.
    pub session_id: Option<String>,
    /// PostHog's person object, when the input carries one.
    pub person: Option<Value>,
    /// Where the recording can be seen at its source (its page in PostHog), when it was fetched
    /// from there: an `http` or `https` address.
    pub link: Option<String>,
    /// Windows in order of first appearance (by time); each has a FullSnapshot.
    pub windows: Vec<Window<'a>>,
    /// Problems that were recovered from, worded for the user.
    pub warnings: Vec<String>,
    /// How many events the input gives after a later event of their window (they were put in
    /// time order).
    pub out_of_order: usize,
    /// The moments `[first, last]` the session's timeline spans, when some events lie far
    /// outside them ([`outliers`]): those stay in the recording (`extract` gives them back),
    /// but not in its [`Recording::timeline`]. `None` when every event is in the timeline.
    pub dense_span: Option<(f64, f64)>,
}

impl<'a> Recording<'a> {
    /// The recording as its timeline shows it: without the events far outside the session
    /// ([`Recording::dense_span`]), and without a window left with no full snapshot to play
    /// from. The recording itself when no event is left out.
    pub fn timeline(&self) -> Cow<'_, Recording<'a>> {
        if self.dense_span.is_none() {
            return Cow::Borrowed(self);
        }
        let windows = self
            .windows
            .iter()
            .zip(self.timeline_ranges())
            .filter_map(|(window, range)| {
                Some(Window {
                    id: window.id.clone(),
                    events: window.events[range?].to_vec(),
                })
            })
            .collect();
        Cow::Owned(Recording {
            session_id: self.session_id.clone(),
            person: self.person.clone(),
            link: self.link.clone(),
            windows,
            warnings: self.warnings.clone(),
            out_of_order: self.out_of_order,
            dense_span: None,
        })
    }

    /// For each window, the range of its events on the timeline: those within
    /// [`Recording::dense_span`], or `None` when they hold no full snapshot to play from.
    fn timeline_ranges(&self) -> Vec<Option<std::ops::Range<usize>>> {
        let (first, last) = self
            .dense_span
            .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        self.windows
            .iter()
            .map(|window| {
                let from = window.events.partition_point(|e| e.timestamp < first);
                let to = window.events.partition_point(|e| e.timestamp <= last);
                window.events[from..to]
                    .iter()
                    .any(|e| e.kind == event_type::FULL_SNAPSHOT)
                    .then_some(from..to)
            })
            .collect()
    }

    /// The events the timeline leaves out (those far outside the session, and every event of
    /// a window it leaves out), in time order, each with its window's id.
    pub fn outliers(&self) -> Vec<(&str, &Event<'a>)> {
        if self.dense_span.is_none() {
            return Vec::new();
        }
        let mut outliers: Vec<(&str, &Event)> = self
            .windows
            .iter()
            .zip(self.timeline_ranges())
            .flat_map(|(w, range)| {
                let range = range.unwrap_or(0..0);
                w.events
                    .iter()
                    .enumerate()
                    .filter(move |(i, _)| !range.contains(i))
                    .map(move |(_, e)| (w.id.as_str(), e))
            })
            .collect();
        outliers.sort_by(|a, b| a.1.timestamp.total_cmp(&b.1.timestamp));
        outliers
    }

    /// Timestamp of the first event of the whole recording (of its timeline, when some events
    /// lie far outside it).
    pub fn start(&self) -> f64 {
        if let Some((first, _)) = self.dense_span {
            return first;
        }
        self.windows
            .iter()
            .map(Window::start)
            .fold(f64::INFINITY, f64::min)
    }

    /// Timestamp of the last event of the whole recording (of its timeline, when some events
    /// lie far outside it).
    pub fn end(&self) -> f64 {
        if let Some((_, last)) = self.dense_span {
            return last;
        }
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
    pub fn last_window(&self) -> Option<&Window<'_>> {
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

    /// Every event of every window in time order, as (timestamp, window index, event index).
    /// The sort is stable: each window keeps its own order, and at the same moment earlier
    /// windows come first.
    pub fn events_in_time_order(&self) -> Vec<(f64, usize, usize)> {
        let mut order: Vec<(f64, usize, usize)> = self
            .windows
            .iter()
            .enumerate()
            .flat_map(|(w, window)| {
                window
                    .events
                    .iter()
                    .enumerate()
                    .map(move |(i, e)| (e.timestamp, w, i))
            })
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        order
    }

    /// How the recording is named as the `n`th (from 0) of several, as the page names it
    /// (`recordingId` in templates/viewer/app.js): its session id, or else its number from 1.
    pub fn id_among(&self, n: usize) -> String {
        self.session_id
            .clone()
            .unwrap_or_else(|| (n + 1).to_string())
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
    let text = event.json.readable();
    match event.kind {
        event_type::META => serde_json::from_str::<Wrapper<Href>>(&text)
            .ok()?
            .data
            .href
            .filter(|h| !h.is_empty()),
        event_type::CUSTOM => {
            let custom = serde_json::from_str::<Wrapper<Custom>>(&text).ok()?.data;
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

/// The fields of an event the bundler reads. Everything else is skipped unparsed (serde_json
/// skips without recursing, so an event of any depth is safe to read this way). `Data` is how
/// its `data` is read: [`DataHeader`], or, for a `data` that is not an object (a compressed
/// FullSnapshot's string, or an entry that is no rrweb event), as it is written.
#[derive(Deserialize)]
#[serde(bound(deserialize = "Data: Deserialize<'de>"))]
struct EventHeader<'a, Data = DataHeader<'a>> {
    #[serde(rename = "type")]
    kind: Option<u8>,
    timestamp: Option<f64>,
    #[serde(borrow, default)]
    cv: Option<&'a RawValue>,
    /// `Some` whenever the member is there, even as `null`, so that it is cut out of the text.
    #[serde(
        borrow,
        default,
        rename = "windowId",
        deserialize_with = "json::present"
    )]
    window_id: Option<&'a RawValue>,
    #[serde(default)]
    data: Option<Data>,
}

/// The fields of an event's `data` the bundler reads.
#[derive(Deserialize)]
struct DataHeader<'a> {
    source: Option<u8>,
    /// A FullSnapshot's serialized page.
    #[serde(borrow)]
    node: Option<&'a RawValue>,
    /// A mobile app's FullSnapshot: its screen as wireframes (see [`crate::mobile`]).
    #[serde(borrow)]
    wireframes: Option<&'a RawValue>,
}

impl<'a> EventHeader<'a> {
    fn read(text: &'a str) -> Option<EventHeader<'a>> {
        serde_json::from_str(text).ok().or_else(|| {
            let packed: EventHeader<&RawValue> = serde_json::from_str(text).ok()?;
            Some(EventHeader {
                kind: packed.kind,
                timestamp: packed.timestamp,
                cv: packed.cv,
                window_id: packed.window_id,
                data: packed.data.and_then(|data| {
                    data.get().starts_with('"').then_some(DataHeader {
                        source: None,
                        node: None,
                        wireframes: None,
                    })
                }),
            })
        })
    }
}

/// The window an input files an entry under.
#[derive(Debug, Clone, Copy)]
pub enum Under<'w> {
    /// A window id the input gives as text (a key of `snapshotsByWindowId`).
    Window(&'w str),
    /// A window id as the input writes it, a JSON string or number (`["<window>", event]`).
    RawWindow(&'w RawValue),
    /// The event's own `windowId` (an event without one: the unnamed window `""`).
    Own,
}

/// What a source tells about a recording beside its events (PostHog's API gives the session id,
/// the person and the recording's address, which snapshot JSONL lacks).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub session_id: Option<String>,
    pub person: Option<Value>,
    /// The recording's page at its source; kept only when it is an `http`/`https` address.
    pub link: Option<String>,
}

impl Metadata {
    /// Fills in what the recording does not say itself (its events decide everything else).
    pub fn apply(&self, recording: &mut Recording) {
        if recording.session_id.is_none() {
            recording.session_id = self.session_id.clone().filter(|s| !s.is_empty());
        }
        if recording.person.is_none() {
            recording.person = self.person.clone().filter(|p| !p.is_null());
        }
        if let Some(link) = self.link.as_deref().filter(|l| is_web_address(l)) {
            recording.link = Some(link.to_owned());
        }
    }
}

/// Whether a text is an `http:` or `https:` address (and so safe as a link's target: never
/// `javascript:` or `data:`).
pub fn is_web_address(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text.chars().any(char::is_control)
}

/// Collects events window by window and turns them into a playable [`Recording`].
#[derive(Default)]
pub struct RecordingBuilder<'a> {
    session_id: Option<String>,
    person: Option<Value>,
    windows: Vec<Window<'a>>,
    window_index: HashMap<String, usize>,
    skipped_not_events: usize,
    too_deep: usize,
    snapshots_without_dom: usize,
    undecodable: Vec<String>,
    /// Why each damaged compressed event (not a snapshot) was replaced by a note.
    damaged: Vec<String>,
    out_of_order: usize,
    /// The last window id filed under as the input writes it, and that window's index.
    last_raw_window: Option<(String, usize)>,
    warnings: Vec<String>,
}

impl<'a> RecordingBuilder<'a> {
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

    /// Makes a window of this id now, if there is none yet: windows that start at the same
    /// moment keep the order they were made in.
    pub fn window(&mut self, id: &str) -> &mut Self {
        self.window_index(id);
        self
    }

    /// Adds a warning that a reader recovered from.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// Adds one entry, filed under the window `under` says. Entries that are not rrweb events
    /// (no numeric `type` and `timestamp`) are skipped and counted in a warning.
    pub fn push(&mut self, raw: &'a RawValue, under: Under) {
        self.file(read_event(raw.get()), under);
    }

    /// Adds many entries, all filed alike, reading them on all cores.
    pub fn extend(&mut self, raws: &[&'a RawValue], under: Under) {
        let read: Vec<ReadEvent> = raws.par_iter().map(|raw| read_event(raw.get())).collect();
        for event in read {
            self.file(event, under);
        }
    }

    /// Files an event read by [`read_event`] under its window, or counts why it was skipped.
    /// Readers that read their entries on all cores file them here in input order.
    pub(crate) fn file(&mut self, event: ReadEvent<'a>, under: Under) {
        let (event, own_window) = match event {
            ReadEvent::Event { event, window } => (event, window),
            ReadEvent::Damaged {
                event,
                window,
                problem,
            } => {
                self.damaged.push(problem);
                (event, window)
            }
            ReadEvent::NotAnEvent => return self.skipped_not_events += 1,
            ReadEvent::TooDeep => return self.too_deep += 1,
            ReadEvent::SnapshotWithoutDom => return self.snapshots_without_dom += 1,
            ReadEvent::Undecodable(problem) => return self.undecodable.push(problem),
        };
        let index = match under {
            Under::Window(id) => self.window_index(id),
            Under::RawWindow(raw) => self.raw_window_index(Some(raw)),
            Under::Own => self.raw_window_index(own_window),
        };
        let events = &mut self.windows[index].events;
        if events
            .last()
            .is_some_and(|last| last.timestamp > event.timestamp)
        {
            self.out_of_order += 1;
        }
        events.push(event);
    }

    /// The index of the window of a window id as the input writes it (a JSON string or
    /// number; none is the unnamed window). Events come in runs of one window, so the last
    /// id is remembered rather than read again.
    fn raw_window_index(&mut self, raw: Option<&RawValue>) -> usize {
        let text = raw.map(RawValue::get);
        if let Some((last, index)) = &self.last_raw_window
            && text == Some(last.as_str())
        {
            return *index;
        }
        let index = self.window_index(&window_id_text(raw));
        self.last_raw_window = text.map(|text| (text.to_owned(), index));
        index
    }

    /// The index of a window, added if new.
    fn window_index(&mut self, id: &str) -> usize {
        if let Some(&index) = self.window_index.get(id) {
            return index;
        }
        self.windows.push(Window {
            id: id.to_owned(),
            events: Vec::new(),
        });
        self.window_index
            .insert(id.to_owned(), self.windows.len() - 1);
        self.windows.len() - 1
    }

    /// Orders, completes and checks the recording.
    ///
    /// Fails when no window has a FullSnapshot: rrweb can only replay from one.
    pub fn finish(mut self) -> Result<Recording<'a>> {
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
                plural(self.too_deep),
                json::MAX_DEPTH,
            ));
        }
        if self.snapshots_without_dom > 0 {
            self.warnings.push(format!(
                "skipped {} full snapshot{} without a serialized page (\"data.node\") or an app's wireframes (\"data.wireframes\")",
                self.snapshots_without_dom,
                plural(self.snapshots_without_dom),
            ));
        }
        if let Some(first) = self.undecodable.first() {
            self.warnings.push(format!(
                "skipped {} compressed event{} that could not be decompressed (first: {first})",
                self.undecodable.len(),
                plural(self.undecodable.len()),
            ));
        }
        if let Some(first) = self.damaged.first() {
            self.warnings.push(format!(
                "replaced {} compressed event{} that could not be decompressed by a note in the replay's Events, at {} moment (first: {first})",
                self.damaged.len(),
                plural(self.damaged.len()),
                if self.damaged.len() == 1 { "its" } else { "their" },
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
                insert_missing_meta(&mut window);
                if crate::mobile::is_mobile_window(&window) {
                    self.warnings
                        .extend(crate::mobile::window_warnings(&window));
                }
                windows.push(window);
            } else {
                without_snapshot.push(window);
            }
        }

        if duplicates > 0 {
            self.warnings.push(format!(
                "dropped {duplicates} duplicate event{} (the same event twice at the same moment, as overlapping exports give)",
                plural(duplicates),
            ));
        }
        if windows.is_empty() {
            bail!(
                "no window of the recording has a full DOM snapshot or an app's wireframes (rrweb event type 2), so there is nothing to replay from; \
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

        let mut recording = Recording {
            session_id: self.session_id,
            person: self.person,
            link: None,
            dense_span: outliers::dense_span(&windows),
            windows,
            warnings: self.warnings,
            out_of_order: self.out_of_order,
        };
        if let Some(span) = recording.dense_span {
            // (Unless the timeline would have nothing to play: then it is all of it.)
            let ranges = recording.timeline_ranges();
            if ranges.iter().all(Option::is_none) {
                recording.dense_span = None;
            } else {
                let warning = outliers::warning(&recording.windows, span);
                recording.warnings.push(warning);
                for (window, range) in recording.windows.iter().zip(ranges) {
                    if range.is_none() {
                        recording.warnings.push(format!(
                            "left window {} out of the timeline: what is left of it there holds no full snapshot to replay from (the page's data and `extract` keep its events)",
                            display_window_id(&window.id)
                        ));
                    }
                }
            }
        }
        Ok(recording)
    }
}

/// One entry of an input, read on its own (on any thread) by [`read_event`]: an event, or why
/// it is none. [`RecordingBuilder::file`] files it.
pub(crate) enum ReadEvent<'a> {
    Event {
        event: Event<'a>,
        /// The event's own `windowId`, when it has one.
        window: Option<&'a RawValue>,
    },
    NotAnEvent,
    TooDeep,
    SnapshotWithoutDom,
    /// A damaged compressed full snapshot: left out.
    Undecodable(String),
    /// A damaged compressed event of another type: a note in its place.
    Damaged {
        event: Event<'a>,
        window: Option<&'a RawValue>,
        problem: String,
    },
}

impl ReadEvent<'_> {
    /// Whether reading the entry parsed all of its text, and so found it to be one JSON value:
    /// true of everything but an entry that is no event (which may be no JSON at all) and one
    /// refused as too deep before it was parsed.
    pub(crate) fn parsed_whole(&self) -> bool {
        !matches!(self, ReadEvent::NotAnEvent | ReadEvent::TooDeep)
    }
}

/// Tag of the custom event that stands in for an event whose compressed data is damaged.
pub const DAMAGED_TAG: &str = "replay-html: damaged event";

/// The custom event that stands in for a damaged event of type `kind`: a note at its moment,
/// which the replay's Events, `inspect` and `extract` show like any custom event.
pub fn damaged_note(timestamp: f64, kind: u8, problem: &str) -> Event<'static> {
    let note = json!({
        "type": event_type::CUSTOM,
        "data": {"tag": DAMAGED_TAG, "payload": {"type": kind, "problem": problem}},
        "timestamp": timestamp_value(timestamp),
    });
    Event {
        timestamp,
        kind: event_type::CUSTOM,
        source: None,
        json: EventJson::Owned(note.to_string().into()),
    }
}

/// Reads the fields of an entry the bundler needs, and checks that it is an rrweb event a
/// browser can replay. The entry's text is one JSON value: any other text is not an event
/// (see [`ReadEvent::parsed_whole`]).
pub(crate) fn read_event(text: &str) -> ReadEvent<'_> {
    // An event is an object (serde would also take `[type, timestamp]` for the header).
    if !text.starts_with('{') {
        return ReadEvent::NotAnEvent;
    }
    // Too deep for a browser to rebuild. (Only long texts can nest deeply.)
    if text.len() > 2 * json::MAX_DEPTH && json::nesting_depth(text.as_bytes()) > json::MAX_DEPTH {
        return ReadEvent::TooDeep;
    }
    let Some(header) = EventHeader::read(text) else {
        return ReadEvent::NotAnEvent;
    };
    let (Some(kind), Some(timestamp)) = (header.kind, header.timestamp) else {
        return ReadEvent::NotAnEvent;
    };
    if kind > event_type::PLUGIN || !timestamp.is_finite() || timestamp.abs() >= MAX_TIMESTAMP {
        return ReadEvent::NotAnEvent;
    }
    let json = match header.cv {
        Some(cv) if cv.get() == posthog_compression::CV_2024_10 => {
            // Checked now, so that every part of the tool (the page, its inspector, `inspect`,
            // `extract`) sees the same events; expanded again, one chunk at a time, as the page
            // is written, so that the expanded text is never all in memory. A window cannot
            // play without its snapshot: a damaged one is left out, another damaged event is
            // replaced by a note at its moment.
            if let Err(err) = posthog_compression::expand_event(text) {
                let problem = format!("{err:#}");
                if kind == event_type::FULL_SNAPSHOT {
                    return ReadEvent::Undecodable(problem);
                }
                return ReadEvent::Damaged {
                    event: damaged_note(timestamp, kind, &problem),
                    window: header.window_id,
                    problem,
                };
            }
            EventJson::Compressed(text)
        }
        _ => {
            if kind == event_type::FULL_SNAPSHOT
                && !header.data.as_ref().is_some_and(|d| {
                    d.node.is_some_and(|node| node.get().starts_with('{'))
                        || d.wireframes.is_some_and(|w| w.get().starts_with('['))
                })
            {
                return ReadEvent::SnapshotWithoutDom;
            }
            match header.window_id {
                None => EventJson::input(text, None),
                Some(value) => match json::member_span(text, value.get(), "windowId") {
                    Some(span) => EventJson::input(text, Some(span)),
                    None => match without_window_id(text) {
                        Some(rewritten) => EventJson::Owned(rewritten.into()),
                        None => return ReadEvent::NotAnEvent,
                    },
                },
            }
        }
    };
    let source = match kind {
        event_type::INCREMENTAL_SNAPSHOT => header.data.and_then(|d| d.source),
        _ => None,
    };
    ReadEvent::Event {
        event: Event {
            timestamp,
            kind,
            source,
            json,
        },
        window: header.window_id,
    }
}

/// The event rewritten without its `windowId`, for the rare event whose key is written
/// unusually (escaped) and cannot be cut out of the text. `None` if it is not a JSON object.
fn without_window_id(text: &str) -> Option<String> {
    let mut object: serde_json::Map<String, Value> = json::from_str_within_depth(text).ok()?;
    object.remove("windowId");
    serde_json::to_string(&object).ok()
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
        if !kept[moment_start..].iter().any(|k| {
            k.kind == event.kind && k.source == event.source && k.json.same_as(&event.json)
        }) {
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

/// Whether the event at `i` is a FullSnapshot without a Meta event just before it.
fn needs_meta(events: &[Event], i: usize) -> bool {
    events[i].kind == event_type::FULL_SNAPSHOT
        && (i == 0 || events[i - 1].kind != event_type::META)
}

/// Puts a Meta event before every FullSnapshot that is not preceded by one: rrweb's player
/// takes the page's address and viewport from it. A Meta event of the snapshot's own moment
/// that no other snapshot follows is moved there (the input gave that moment's events in
/// another order); else a new one is made, with values from the closest Meta event of the
/// window (earlier first, then later), a viewport-resize event, or a page-view event.
fn insert_missing_meta(window: &mut Window) {
    pair_meta_with_snapshots(&mut window.events);
    if !(0..window.events.len()).any(|i| needs_meta(&window.events, i)) {
        return;
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
            events.push(known.meta_event(&later, event.timestamp));
        }
        events.push(event.clone());
    }
    window.events = events;
}

/// Moves a Meta event to just before a FullSnapshot of its moment that has none, when it
/// precedes no snapshot itself.
fn pair_meta_with_snapshots(events: &mut [Event]) {
    for i in 0..events.len() {
        if !needs_meta(events, i) {
            continue;
        }
        let moment = events[i].timestamp;
        let start = events[..i]
            .iter()
            .rposition(|e| e.timestamp != moment)
            .map_or(0, |p| p + 1);
        let end = events[i..]
            .iter()
            .position(|e| e.timestamp != moment)
            .map_or(events.len(), |p| i + p);
        let free = (start..end).find(|&j| {
            events[j].kind == event_type::META
                && events
                    .get(j + 1)
                    .is_none_or(|next| next.kind != event_type::FULL_SNAPSHOT)
        });
        match free {
            Some(j) if j < i => events[j..i].rotate_left(1),
            Some(j) => events[i..=j].rotate_right(1),
            None => {}
        }
    }
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
        }
        #[derive(Deserialize)]
        struct Wrapper {
            data: Data,
        }
        let tells_viewport =
            event.kind == event_type::META || event.source == Some(source::VIEWPORT_RESIZE);
        if tells_viewport
            && let Ok(w) = serde_json::from_str::<Wrapper>(&event.json.readable())
            && let (Some(width), Some(height)) = (w.data.width, w.data.height)
        {
            self.viewport = Some((width, height));
        }
        if let Some(href) = page_address(event) {
            self.href = Some(href);
        }
        // A mobile app's screen is as large as its first wireframe (PostHog's player does the
        // same for a Meta event the SDK did not send).
        if self.viewport.is_none()
            && event.kind == event_type::FULL_SNAPSHOT
            && let Some(size) = crate::mobile::screen_size(&event.json.readable())
        {
            self.viewport = Some(size);
        }
    }

    fn meta_event(&self, later: &PageFacts, timestamp: f64) -> Event<'static> {
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
        Event {
            timestamp,
            kind: event_type::META,
            source: None,
            json: EventJson::Owned(meta.to_string().into()),
        }
    }
}

/// A timestamp as JSON: an integer when it is one, as recorders write it.
pub fn timestamp_value(timestamp: f64) -> Value {
    if timestamp.fract() == 0.0 && timestamp.abs() < 9.0e15 {
        json!(timestamp as i64)
    } else {
        json!(timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> &RawValue {
        serde_json::from_str(text).unwrap()
    }

    fn build<'a>(events: &[(&str, &'a str)]) -> Result<Recording<'a>> {
        let mut builder = RecordingBuilder::new();
        for (window, event) in events {
            builder.push(raw(event), Under::Window(window));
        }
        builder.finish()
    }

    fn text(event: &Event) -> String {
        event.json.text().unwrap().into_owned()
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
            .map(|e| (e.kind, e.source, e.timestamp))
            .collect();
        assert_eq!(a, [(4, None, 10.0), (2, None, 10.0), (3, Some(1), 20.0)]);
        assert_eq!(rec.duration(), 20.0);
        assert_eq!(
            rec.out_of_order, 1,
            "the Meta event came after the mouse move"
        );
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
        let meta: Value = serde_json::from_str(&text(&events[3])).unwrap();
        assert_eq!(
            meta,
            json!({"type":4,"data":{"href":"https://a/","width":1024,"height":768},"timestamp":9})
        );
    }

    #[test]
    fn a_meta_event_of_the_snapshots_moment_is_moved_before_it_not_copied() {
        let meta =
            r#"{"type":4,"data":{"href":"https://a/","width":800,"height":600},"timestamp":1}"#;
        let rec = build(&[
            ("w", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            ("w", r#"{"type":3,"data":{"source":1,"x":1},"timestamp":1}"#),
            ("w", meta),
            ("w", r#"{"type":3,"data":{"source":1,"x":2},"timestamp":2}"#),
        ])
        .unwrap();
        let events = &rec.windows[0].events;
        assert_eq!(
            events.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [4, 2, 3, 3]
        );
        assert_eq!(
            text(&events[0]),
            meta,
            "the recorded Meta event, not a new one"
        );
        assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
    }

    #[test]
    fn inserted_meta_learns_from_later_events_when_nothing_came_before() {
        let rec = build(&[
            ("w", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            ("w", r#"{"type":5,"data":{"tag":"$pageview","payload":{"href":"https://later/"}},"timestamp":2}"#),
        ])
        .unwrap();
        let meta: Value = serde_json::from_str(&text(&rec.windows[0].events[0])).unwrap();
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
            raw(r#"{"type":2,"data":{"node":{}},"timestamp":1,"windowId":7}"#),
            Under::Own,
        );
        builder.push(
            raw(r#"{"type":2,"data":{"node":{}},"timestamp":2,"windowId":"u-1"}"#),
            Under::Own,
        );
        builder.push(
            raw(r#"{"type":2,"data":{"node":{}},"timestamp":3}"#),
            Under::Own,
        );
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
            builder.push(raw(input), Under::Own);
            let rec = builder.finish().unwrap();
            assert_eq!(text(rec.windows[0].events.last().unwrap()), expected);
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
    fn an_event_held_both_compressed_and_plain_is_kept_once() {
        use super::posthog_compression::tests::pack;
        let data = json!({"node": {"type": 0, "childNodes": [], "id": 1}, "initialOffset": {"left": 0, "top": 0}});
        let plain = format!(r#"{{"type":2,"data":{data},"timestamp":1}}"#);
        let packed = format!(
            r#"{{"type":2,"data":{},"timestamp":1,"cv":"2024-10"}}"#,
            json!(pack(&data))
        );
        let rec = build(&[("a", &packed), ("a", &plain)]).unwrap();
        // Meta, snapshot
        assert_eq!(rec.event_count(), 2);
        assert_eq!(text(&rec.windows[0].events[1]), plain);
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
    fn reads_the_source_of_events_of_any_depth_without_parsing_them() {
        let deep = format!(
            r#"{{"type":3,"data":{{"source":0,"adds":{}{}}},"timestamp":2}}"#,
            "[".repeat(400),
            "]".repeat(400)
        );
        let rec = build(&[
            ("a", r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            ("a", &deep),
        ])
        .unwrap();
        assert_eq!(rec.windows[0].events[2].source, Some(source::MUTATION));
        assert_eq!(text(&rec.windows[0].events[2]), deep);
    }

    #[test]
    fn refuses_zero_events() {
        let err = build(&[]).unwrap_err();
        assert!(err.to_string().contains("no rrweb events"));
    }
}
