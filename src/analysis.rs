//! What the viewer shows besides the replay, worked out from the events once, at bundle time:
//!
//! - [`segments`]: the session cut into stretches of activity and inactivity, each belonging to
//!   the window where it happens, as PostHog's player cuts it; the viewer follows the session
//!   across windows and skips inactivity with them;
//! - an [`Analyzer`] that reads the events as the page carries them (after redaction) and keeps
//!   the timeline's markers (clicks, page views, console errors, failed requests) and the
//!   inspector's rows (console, network, page and custom events).
//!
//! Times are milliseconds of session time, from the recording's first event. Rows name their
//! event by window and position in that window's events as the page carries them, so the
//! viewer can show an event's full detail (a request's headers and bodies, say) on demand.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::recording::{Event, Recording, event_type, source};

/// PostHog's inactivity threshold: 5 s without user activity make a stretch inactive.
pub const ACTIVITY_THRESHOLD_MS: f64 = 5000.0;

/// Longest console text a row carries; the rest stays in the event.
const MAX_CONSOLE_TEXT: usize = 2000;
/// Most stack frames a console row carries.
const MAX_TRACE_LINES: usize = 20;
/// Longest marker label.
const MAX_LABEL: usize = 140;

/// A stretch of the session shown from one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    /// Index of the window to show, or `None` when no window is open (the last frame stays).
    pub window: Option<usize>,
    /// Whether the user was active: inactive stretches and gaps are skipped by default.
    pub active: bool,
    /// A stretch without events between two segments.
    pub gap: bool,
}

/// Whether an event is user activity, as PostHog counts it: a page load (FullSnapshot, Meta),
/// or the user moving, clicking, scrolling, resizing, typing, touching, playing or dragging.
/// In a mobile app's window, a change of the screen (a wireframe diff) is activity too: the app
/// sends one only when the screen changed, mostly as the user works it.
fn is_activity(event: &Event, mobile: bool) -> bool {
    if mobile && event.source == Some(source::MUTATION) {
        return true;
    }
    match event.kind {
        event_type::FULL_SNAPSHOT | event_type::META => true,
        event_type::INCREMENTAL_SNAPSHOT => matches!(
            event.source,
            Some(
                source::MOUSE_MOVE
                    | source::MOUSE_INTERACTION
                    | source::SCROLL
                    | source::VIEWPORT_RESIZE
                    | source::INPUT
                    | source::TOUCH_MOVE
                    | source::MEDIA_INTERACTION
                    | source::DRAG
            )
        ),
        _ => false,
    }
}

/// The session cut into segments, following PostHog's player: a new segment starts with the
/// first event, when activity starts after inactivity, when 5 s pass without activity, when
/// activity moves to another window, and after a window's last event. Gaps between segments
/// are filled, shown from the window open at the time (the previous segment's if it still is).
/// Unlike PostHog, a gap of at most 5 s between two active segments is active: the user did
/// not stop, and skipping it would jump through their work.
/// The windows open at a moment, asked for moments that never go back: a sweep over the
/// windows by start and end, so that filling every gap of a session costs time in proportion
/// to its windows and segments, not their product.
struct OpenWindows {
    /// (start, window), latest first: popped as the moments reach them.
    by_start: Vec<(f64, usize)>,
    /// Windows started by now, by index; those that ended are dropped when met.
    open: std::collections::BTreeSet<usize>,
    /// Each window's end, from the recording's start.
    ends: Vec<f64>,
}

impl OpenWindows {
    fn new(recording: &Recording) -> OpenWindows {
        let start = recording.start();
        let mut by_start: Vec<(f64, usize)> = recording
            .windows
            .iter()
            .enumerate()
            .map(|(w, window)| (window.start() - start, w))
            .collect();
        by_start.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        OpenWindows {
            by_start,
            open: std::collections::BTreeSet::new(),
            ends: recording.windows.iter().map(|w| w.end() - start).collect(),
        }
    }

    /// The first window (by index) open at `t`, no earlier than any moment asked before.
    fn first_at(&mut self, t: f64) -> Option<usize> {
        while let Some(&(window_start, w)) = self.by_start.last() {
            if window_start > t {
                break;
            }
            self.open.insert(w);
            self.by_start.pop();
        }
        while let Some(&w) = self.open.first() {
            if self.ends[w] >= t {
                return Some(w);
            }
            // Ended before `t`, so before every later moment too.
            self.open.pop_first();
        }
        None
    }
}

pub fn segments(recording: &Recording) -> Vec<Segment> {
    let start = recording.start();
    let mut found: Vec<Segment> = Vec::new();
    let mut current: Option<Segment> = None;
    let mut last_activity = f64::NEG_INFINITY;
    let mut previous_was_last_of_window = false;
    let mobile: Vec<bool> = recording
        .windows
        .iter()
        .map(crate::mobile::is_mobile_window)
        .collect();
    for (timestamp, window, i) in recording.events_in_time_order() {
        let events = &recording.windows[window].events;
        let active = is_activity(&events[i], mobile[window]);
        let last_of_window = i + 1 == events.len();
        let t = timestamp - start;
        let starts_new = match &current {
            None => true,
            Some(segment) => {
                (active && !segment.active)
                    || (segment.active && last_activity + ACTIVITY_THRESHOLD_MS < t)
                    || (active && segment.window != Some(window))
                    || previous_was_last_of_window
            }
        };
        if active {
            last_activity = t;
        }
        if starts_new {
            found.extend(current.take());
            current = Some(Segment {
                start: t,
                end: t,
                window: Some(window),
                active,
                gap: false,
            });
        }
        if let Some(segment) = current.as_mut() {
            segment.end = t;
        }
        previous_was_last_of_window = last_of_window;
    }
    found.extend(current);

    // Fill the gaps between segments.
    let mut open = OpenWindows::new(recording);
    let mut open_at = |t: f64, preferred: Option<usize>| -> Option<usize> {
        let covers = |w: usize| {
            let window = &recording.windows[w];
            window.start() - start <= t && t <= window.end() - start
        };
        preferred
            .filter(|&w| covers(w))
            .or_else(|| open.first_at(t))
    };
    let mut filled = Vec::with_capacity(found.len() * 2);
    for segment in found {
        if let Some(previous) = filled.last().cloned()
            && let Segment { end, window, .. } = previous
            && segment.start > end
        {
            filled.push(Segment {
                start: end,
                end: segment.start,
                window: open_at(end + 1.0, window),
                active: previous.active
                    && segment.active
                    && segment.start - end <= ACTIVITY_THRESHOLD_MS,
                gap: true,
            });
        }
        filled.push(segment);
    }
    filled
}

/// A point on the timeline worth a look.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Marker {
    pub t: f64,
    pub kind: MarkerKind,
    pub window: usize,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkerKind {
    Click,
    PageView,
    UrlChange,
    ConsoleError,
    NetworkError,
    /// A note given when bundling (`--note`).
    Note,
}

/// A console message, consecutive repeats counted as one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleRow {
    pub t: f64,
    pub window: usize,
    /// Position of the (first) event in its window's events.
    pub event: usize,
    pub level: String,
    pub text: String,
    /// How many times in a row the same message came.
    pub count: u32,
    pub trace: Vec<String>,
}

impl ConsoleRow {
    /// Whether it is an error: `console.error`, or a failed `console.assert`.
    pub fn is_error(&self) -> bool {
        is_error_level(&self.level)
    }
}

fn is_error_level(level: &str) -> bool {
    level == "error" || level == "assert"
}

/// A network request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkRow {
    /// When the request started.
    pub t: f64,
    pub window: usize,
    /// Position of the event in its window's events, and of the request in the event.
    pub event: usize,
    pub request: usize,
    pub url: String,
    pub method: Option<String>,
    pub status: Option<u32>,
    pub failed: bool,
    pub duration: Option<f64>,
    /// Bytes over the wire (or the body's size, when that is all that was recorded).
    pub size: Option<u64>,
    /// What started it: fetch, xmlhttprequest, script, img, navigation, ...
    pub initiator: Option<String>,
    /// Whether headers or bodies were recorded.
    pub details: bool,
}

/// A page view, URL change or custom event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
    pub t: f64,
    pub window: usize,
    pub event: usize,
    pub kind: EventRowKind,
    /// The custom event's tag, or for page views the address.
    pub name: String,
    /// The custom event's payload, as short JSON text.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventRowKind {
    PageView,
    UrlChange,
    Custom,
    /// Events the recorder (posthog-js) adds about itself: options, config, recording state.
    Recorder,
}

/// The inspector's rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inspector {
    pub console: Vec<ConsoleRow>,
    pub network: Vec<NetworkRow>,
    pub events: Vec<EventRow>,
    /// Notes given when bundling, in time order.
    pub notes: Vec<NoteRow>,
}

/// A note given when bundling.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteRow {
    pub t: f64,
    pub window: usize,
    pub event: usize,
    pub text: String,
}

/// Custom event tags posthog-js records about itself rather than about the user.
const RECORDER_TAGS: [&str; 16] = [
    "$session_options",
    "$posthog_config",
    "$remote_config_received",
    "$recording_started",
    "$session_id_change",
    "$sdk_debug_replay_internal_buffer_length",
    "$sdk_debug_replay_internal_buffer_size",
    "sessionIdle",
    "sessionNoLongerIdle",
    "window visible",
    "window hidden",
    "browser online",
    "browser offline",
    "recording paused",
    "recording resumed",
    "$pageview_debug",
];

const CONSOLE_PLUGIN: &str = "rrweb/console@1";
const NETWORK_PLUGIN: &str = "rrweb/network@1";
const LEGACY_NETWORK_PLUGIN: &str = "posthog/network@1";

/// rrweb mouse interaction types that are clicks.
const CLICK: u64 = 2;
const DOUBLE_CLICK: u64 = 4;

/// Reads the events as the page carries them, keeping markers and inspector rows.
#[derive(Debug, Default)]
pub struct Analyzer {
    start: f64,
    pub markers: Vec<Marker>,
    pub inspector: Inspector,
    /// Per window, the address shown last, to mark only changes.
    addresses: Vec<Option<String>>,
}

#[derive(Deserialize)]
struct Envelope {
    data: Value,
}

/// What one event tells the analyzer, read from its JSON on any thread ([`Observation::of`]):
/// the analyzer then records it in event order ([`Analyzer::record`]), since whether it makes
/// a row depends on the rows before it (an address that did not change, a repeated message).
#[derive(Debug)]
enum Observation {
    /// A page view or URL change (an empty address is none).
    Page {
        href: String,
        kind: MarkerKind,
    },
    /// A note given when bundling: its text.
    Note(String),
    /// A custom event: its tag, whether it is the recorder's own, and its payload, short.
    Custom {
        tag: String,
        kind: EventRowKind,
        detail: Option<String>,
    },
    Console(Console),
    /// The requests of a network event, in order (those without a URL too: a row names its
    /// request by position in the event).
    Network(Vec<Request>),
    /// A click or double click: the marker's label.
    Click(&'static str),
}

/// A console message, as a row shows it.
#[derive(Debug)]
struct Console {
    level: String,
    text: String,
    trace: Vec<String>,
}

impl Observation {
    /// What an event tells, if anything. Only the kinds of event the analyzer looks into are
    /// parsed (none of them is ever compressed).
    fn of(event: &Event) -> Option<Observation> {
        let looks_into = matches!(
            event.kind,
            event_type::META | event_type::CUSTOM | event_type::PLUGIN
        ) || matches!(event.source, Some(source::MOUSE_INTERACTION | source::LOG));
        if !looks_into {
            return None;
        }
        let Envelope { data } = serde_json::from_str(&event.json.readable()).ok()?;
        match event.kind {
            event_type::META => {
                let href = data.get("href")?.as_str()?;
                Some(Observation::Page {
                    href: href.to_owned(),
                    kind: MarkerKind::PageView,
                })
            }
            event_type::CUSTOM => Observation::custom(&data),
            event_type::PLUGIN => match data.get("plugin").and_then(Value::as_str) {
                Some(CONSOLE_PLUGIN) => {
                    Some(Observation::Console(Console::of(data.get("payload")?)))
                }
                Some(NETWORK_PLUGIN) => {
                    let requests = data.pointer("/payload/requests").and_then(Value::as_array);
                    Some(Observation::Network(
                        requests.into_iter().flatten().map(Request::named).collect(),
                    ))
                }
                Some(LEGACY_NETWORK_PLUGIN) => Some(Observation::Network(vec![Request::indexed(
                    data.get("payload")?,
                )])),
                _ => None,
            },
            _ if event.source == Some(source::LOG) => {
                Some(Observation::Console(Console::of(&data)))
            }
            _ => match data.get("type").and_then(Value::as_u64) {
                Some(CLICK) => Some(Observation::Click("Click")),
                Some(DOUBLE_CLICK) => Some(Observation::Click("Double click")),
                _ => None,
            },
        }
    }

    fn custom(data: &Value) -> Option<Observation> {
        let tag = data.get("tag").and_then(Value::as_str).unwrap_or_default();
        let href = data.pointer("/payload/href").and_then(Value::as_str);
        let page = |href: &str, kind| Observation::Page {
            href: href.to_owned(),
            kind,
        };
        match (tag, href) {
            ("$pageview", Some(href)) => Some(page(href, MarkerKind::PageView)),
            ("$url_changed", Some(href)) => Some(page(href, MarkerKind::UrlChange)),
            // The clip's own markers: the page shows the clip in its header.
            (crate::clip::CLIP_TAG, _) => None,
            (crate::notes::NOTE_TAG, _) => {
                let text = data.pointer("/payload/text")?.as_str()?;
                Some(Observation::Note(text.to_owned()))
            }
            _ => {
                let kind = if RECORDER_TAGS.contains(&tag) {
                    EventRowKind::Recorder
                } else {
                    EventRowKind::Custom
                };
                let detail = data
                    .get("payload")
                    .filter(|p| !p.is_null())
                    .map(|p| shorten(&p.to_string(), MAX_CONSOLE_TEXT));
                Some(Observation::Custom {
                    tag: tag.to_owned(),
                    kind,
                    detail,
                })
            }
        }
    }
}

impl Console {
    /// A console plugin's payload, or a log event's data.
    fn of(payload: &Value) -> Console {
        let level = payload
            .get("level")
            .and_then(Value::as_str)
            .unwrap_or("log")
            .to_owned();
        let text = console_text(payload.get("payload"));
        let trace: Vec<String> = payload
            .get("trace")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .take(MAX_TRACE_LINES)
            .map(str::to_owned)
            .collect();
        Console { level, text, trace }
    }
}

impl Analyzer {
    /// An analyzer for a recording whose first event is at `start` (epoch ms).
    pub fn new(start: f64) -> Analyzer {
        Analyzer {
            start,
            ..Analyzer::default()
        }
    }

    /// Reads the events of window `window` as the page carries them: their JSON is parsed on
    /// all cores, and what each tells is recorded in event order (a row may depend on the rows
    /// before it). What an event tells is small (about what its rows keep), so a window's is
    /// held at once.
    pub fn observe_window(&mut self, window: usize, events: &[Event]) {
        let observations: Vec<(usize, Observation)> = events
            .par_iter()
            .enumerate()
            .filter_map(|(index, event)| Some((index, Observation::of(event)?)))
            .collect();
        for (index, observation) in observations {
            self.record(window, index, events[index].timestamp, observation);
        }
    }

    /// Records what the `index`th event of window `window`, at `timestamp`, tells.
    fn record(&mut self, window: usize, index: usize, timestamp: f64, observation: Observation) {
        let t = timestamp - self.start;
        match observation {
            Observation::Page { href, kind } => self.page(t, window, index, &href, kind),
            Observation::Note(text) => {
                self.markers.push(Marker {
                    t,
                    kind: MarkerKind::Note,
                    window,
                    label: shorten(&text, MAX_LABEL),
                });
                self.inspector.notes.push(NoteRow {
                    t,
                    window,
                    event: index,
                    text,
                });
            }
            Observation::Custom { tag, kind, detail } => self.inspector.events.push(EventRow {
                t,
                window,
                event: index,
                kind,
                name: tag,
                detail,
            }),
            Observation::Console(message) => self.console(t, window, index, message),
            Observation::Network(requests) => {
                for (i, request) in requests.into_iter().enumerate() {
                    self.network(timestamp, window, index, i, request);
                }
            }
            Observation::Click(label) => {
                self.mark(t, MarkerKind::Click, window, label.to_owned());
            }
        }
    }

    fn mark(&mut self, t: f64, kind: MarkerKind, window: usize, label: String) {
        self.markers.push(Marker {
            t,
            kind,
            window,
            label: shorten(&label, MAX_LABEL),
        });
    }

    /// A page view or URL change: marked when the window's address changes.
    fn page(&mut self, t: f64, window: usize, index: usize, href: &str, kind: MarkerKind) {
        if href.is_empty() {
            return;
        }
        if self.addresses.len() <= window {
            self.addresses.resize(window + 1, None);
        }
        if self.addresses[window].as_deref() == Some(href) {
            return;
        }
        self.addresses[window] = Some(href.to_owned());
        self.mark(t, kind, window, href.to_owned());
        self.inspector.events.push(EventRow {
            t,
            window,
            event: index,
            kind: match kind {
                MarkerKind::UrlChange => EventRowKind::UrlChange,
                _ => EventRowKind::PageView,
            },
            name: href.to_owned(),
            detail: None,
        });
    }

    fn console(&mut self, t: f64, window: usize, index: usize, message: Console) {
        let Console { level, text, trace } = message;
        if is_error_level(&level) {
            self.mark(t, MarkerKind::ConsoleError, window, text.clone());
        }
        if let Some(last) = self.inspector.console.last_mut()
            && last.window == window
            && last.level == level
            && last.text == text
        {
            last.count += 1;
            return;
        }
        self.inspector.console.push(ConsoleRow {
            t,
            window,
            event: index,
            level,
            text,
            count: 1,
            trace,
        });
    }

    fn network(
        &mut self,
        event_timestamp: f64,
        window: usize,
        index: usize,
        i: usize,
        request: Request,
    ) {
        let Some(url) = request.url else {
            return;
        };
        let t = request.timestamp.unwrap_or(event_timestamp) - self.start;
        let failed = request.status.is_some_and(|s| s >= 400);
        if failed {
            let label = format!(
                "{} {} → {}",
                request.method.as_deref().unwrap_or("GET"),
                url,
                request.status.unwrap_or_default()
            );
            self.mark(t.max(0.0), MarkerKind::NetworkError, window, label);
        }
        self.inspector.network.push(NetworkRow {
            t,
            window,
            event: index,
            request: i,
            url,
            method: request.method,
            status: request.status,
            failed,
            duration: request.duration,
            size: request.size,
            initiator: request.initiator,
            details: request.details,
        });
    }

    /// Markers in time order; rows in time order (stable, so repeats stay together).
    pub fn finish(mut self) -> (Vec<Marker>, Inspector) {
        self.markers.sort_by(|a, b| a.t.total_cmp(&b.t));
        self.inspector.console.sort_by(|a, b| a.t.total_cmp(&b.t));
        self.inspector.network.sort_by(|a, b| a.t.total_cmp(&b.t));
        self.inspector.events.sort_by(|a, b| a.t.total_cmp(&b.t));
        (self.markers, self.inspector)
    }
}

/// A console message's arguments as one line: posthog-js records each argument as JSON text,
/// so a string argument shows as its content, anything else as its JSON.
fn console_text(arguments: Option<&Value>) -> String {
    let text = match arguments {
        Some(Value::Array(arguments)) => arguments
            .iter()
            .map(|argument| match argument {
                Value::String(json) => match serde_json::from_str::<Value>(json) {
                    Ok(Value::String(s)) => s,
                    _ => json.clone(),
                },
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    shorten(&text, MAX_CONSOLE_TEXT)
}

/// A text cut to at most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// The first of some numbers that is positive: a PerformanceEntry gives 0 for a status or a
/// size it does not know.
fn first_positive(numbers: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    numbers.into_iter().flatten().find(|&n| n > 0.0)
}

/// A network request, from either network plugin.
#[derive(Debug, Default)]
struct Request {
    url: Option<String>,
    method: Option<String>,
    status: Option<u32>,
    /// When it started, epoch ms.
    timestamp: Option<f64>,
    duration: Option<f64>,
    size: Option<u64>,
    initiator: Option<String>,
    details: bool,
}

impl Request {
    /// `rrweb/network@1`: a PerformanceEntry's fields, plus what wrapping fetch and XHR adds.
    fn named(request: &Value) -> Request {
        let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::to_owned);
        let number = |key: &str| request.get(key).and_then(Value::as_f64);
        Request {
            url: text("name").or_else(|| text("url")),
            method: text("method"),
            status: first_positive(["status", "responseStatus"].map(number)).map(|s| s as u32),
            timestamp: number("timestamp"),
            duration: number("duration"),
            size: first_positive(
                ["transferSize", "encodedBodySize", "decodedBodySize"].map(number),
            )
            .map(|s| s as u64),
            initiator: text("initiatorType"),
            details: [
                "requestHeaders",
                "requestBody",
                "responseHeaders",
                "responseBody",
            ]
            .iter()
            .any(|key| request.get(key).is_some_and(|v| !v.is_null())),
        }
    }

    /// PostHog's legacy `posthog/network@1`: one request an event, its fields under numeric
    /// keys (PostHog's `PerformanceEventReverseMapping`).
    fn indexed(payload: &Value) -> Request {
        let field = |key: &str| payload.get(key);
        let number = |key: &str| field(key).and_then(Value::as_f64);
        Request {
            url: field("2").and_then(Value::as_str).map(str::to_owned),
            method: None,
            status: first_positive([number("21")]).map(|s| s as u32),
            timestamp: number("40"),
            duration: number("39"),
            size: first_positive(["22", "17", "16"].map(number)).map(|s| s as u64),
            initiator: field("18").and_then(Value::as_str).map(str::to_owned),
            details: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::{RecordingBuilder, Under};
    use serde_json::value::RawValue;

    fn recording<'a>(events: &[(&str, &'a str)]) -> Recording<'a> {
        let mut builder = RecordingBuilder::new();
        for (window, event) in events {
            builder.push(
                serde_json::from_str::<&RawValue>(event).unwrap(),
                Under::Window(window),
            );
        }
        builder.finish().unwrap()
    }

    const A_LOAD: &str =
        r#"{"type":4,"data":{"href":"https://a/","width":800,"height":600},"timestamp":0}"#;
    const A_SNAPSHOT: &str = r#"{"type":2,"data":{"node":{}},"timestamp":0}"#;

    fn summary(segments: &[Segment]) -> Vec<(f64, f64, Option<usize>, bool, bool)> {
        segments
            .iter()
            .map(|s| (s.start, s.end, s.window, s.active, s.gap))
            .collect()
    }

    #[test]
    fn cuts_inactivity_after_five_seconds_and_follows_activity_across_windows() {
        let rec = recording(&[
            ("a", A_LOAD),
            ("a", A_SNAPSHOT),
            ("a", r#"{"type":3,"data":{"source":1},"timestamp":1000}"#),
            // 9 s without activity; a mutation is not activity.
            ("a", r#"{"type":3,"data":{"source":0},"timestamp":7000}"#),
            (
                "a",
                r#"{"type":3,"data":{"source":2,"type":2},"timestamp":10000}"#,
            ),
            ("b", r#"{"type":2,"data":{"node":{}},"timestamp":11000}"#),
            ("b", r#"{"type":3,"data":{"source":5},"timestamp":12000}"#),
            ("a", r#"{"type":3,"data":{"source":3},"timestamp":20000}"#),
        ]);
        // Worked out by hand from the rules above.
        assert_eq!(
            summary(&segments(&rec)),
            [
                (0.0, 1000.0, Some(0), true, false),
                // 6 s without activity: inactive.
                (1000.0, 7000.0, Some(0), false, true),
                (7000.0, 7000.0, Some(0), false, false),
                (7000.0, 10000.0, Some(0), false, true),
                (10000.0, 10000.0, Some(0), true, false),
                // 1 s between activity in a and in b: the user is still active.
                (10000.0, 11000.0, Some(0), true, true),
                (11000.0, 12000.0, Some(1), true, false),
                // After window b's last event, window a is the one open.
                (12000.0, 20000.0, Some(0), false, true),
                (20000.0, 20000.0, Some(0), true, false),
            ]
        );
    }
}
