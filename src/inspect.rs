//! `replay-html inspect`: what an input holds, for a person reading a terminal or, as JSON, for
//! a script. The JSON object is stable: fields are only ever added. Its fields are documented
//! on the types below and in the README.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::{Analyzer, MarkerKind};
use crate::input::{Container, Format};
use crate::mobile::{MobileFacts, Platform, is_mobile_window};
use crate::recording::{Event, Recording, event_type, timestamp_value};

/// What some input files hold.
#[derive(Debug, Serialize)]
pub struct Inspection {
    pub inputs: Vec<InputReport>,
    /// The recordings they hold (several for capture requests of several sessions, or for a
    /// collection page).
    pub recordings: Vec<RecordingReport>,
    /// What could not be read, and why.
    pub failures: Vec<FailureReport>,
}

/// A note pinned to a moment.
#[derive(Debug, Serialize)]
pub struct NoteReport {
    /// Milliseconds from the recording's first event.
    pub t: f64,
    pub text: String,
}

/// Where a clip lies in the session it was cut from.
#[derive(Debug, Serialize)]
pub struct ClipReport {
    /// Milliseconds of the original session's time.
    pub from: f64,
    pub to: f64,
    /// The original session's start (RFC 3339, UTC, and epoch ms) and duration.
    pub session_start: String,
    #[serde(serialize_with = "whole_ms")]
    pub session_start_timestamp: f64,
    #[serde(serialize_with = "whole_ms")]
    pub session_duration_ms: f64,
}

/// One input file.
#[derive(Debug, Serialize)]
pub struct InputReport {
    pub path: String,
    /// Bytes of the file as given.
    pub file_bytes: u64,
    /// What the file was wrapped in: plain, gzip, snappy blocks, snappy or base64 form.
    pub container: String,
    /// Bytes of its text once unwrapped.
    pub text_bytes: u64,
}

/// An input, or a session of capture requests, that could not be read.
#[derive(Debug, Serialize)]
pub struct FailureReport {
    /// Indexes into `inputs`.
    pub inputs: Vec<usize>,
    pub error: String,
}

/// What one recording holds. Times (`t`) are milliseconds from the recording's first event.
#[derive(Debug, Serialize)]
pub struct RecordingReport {
    /// Indexes into `inputs` of the files it was read from.
    pub inputs: Vec<usize>,
    /// The detected format, as in the README's table of inputs.
    pub format: String,
    pub session_id: Option<String>,
    /// PostHog's person, as the input holds it.
    pub person: Option<Value>,
    /// First and last event, as RFC 3339 UTC times and epoch milliseconds.
    pub start: String,
    pub end: String,
    #[serde(serialize_with = "whole_ms")]
    pub start_timestamp: f64,
    #[serde(serialize_with = "whole_ms")]
    pub end_timestamp: f64,
    #[serde(serialize_with = "whole_ms")]
    pub duration_ms: f64,
    pub windows: Vec<WindowReport>,
    /// Events by rrweb type name (`FullSnapshot`, `IncrementalSnapshot`, `Meta`, `Custom`, `Plugin`, ...).
    pub events_by_type: BTreeMap<String, usize>,
    /// Incremental snapshots by source name (`Mutation`, `MouseMove`, `Input`, ...).
    pub incremental_by_source: BTreeMap<String, usize>,
    /// Plugin events by plugin (`rrweb/console@1`, `rrweb/network@1`, ...).
    pub events_by_plugin: BTreeMap<String, usize>,
    /// Custom events by tag (`$pageview`, ...).
    pub custom_by_tag: BTreeMap<String, usize>,
    /// Addresses shown, in order, each when its window first showed it.
    pub urls: Vec<UrlReport>,
    /// Console messages by level, repeats counted.
    pub console_by_level: BTreeMap<String, usize>,
    pub console_errors: Vec<ConsoleReport>,
    pub network_requests: usize,
    pub network_failures: Vec<NetworkReport>,
    /// Bytes of the events' JSON, compressed events expanded.
    pub event_bytes: u64,
    /// What was wrong and was put right (or left out) when reading.
    pub problems: Vec<String>,
    /// Where it was recorded: `web`, or for an app `ios`, `android`, or `unknown` (a mobile
    /// recording whose events do not tell). A web view inside an app gives a web window in a
    /// mobile recording: the app's platform is named.
    pub platform: String,
    /// For a mobile recording (one with wireframe windows): screens, touches, wireframes.
    pub mobile: Option<MobileReport>,
    /// Notes pinned to moments (`bundle --note`), in time order.
    pub notes: Vec<NoteReport>,
    /// For a clip (`bundle --from/--to`): where it lies in the session it was cut from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clip: Option<ClipReport>,
    /// With `--pii`: the personal data the page of this recording would carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pii: Option<Vec<crate::pii::Finding>>,
}

/// What a mobile recording holds.
#[derive(Debug, Serialize)]
pub struct MobileReport {
    /// Screens shown (the Meta events' `href`: an activity, view controller or screen name).
    pub screens: usize,
    /// Touches (a finger put down).
    pub touches: usize,
    /// Wireframes in full snapshots and in added or updated ones, children included.
    pub wireframes: usize,
    /// Wireframe mutations (Android's diffs).
    pub diffs: usize,
    /// Images and screenshots among the wireframes.
    pub images: usize,
}

#[derive(Debug, Serialize)]
pub struct WindowReport {
    pub id: String,
    pub events: usize,
    pub full_snapshots: usize,
    /// Session time of its first and last event.
    #[serde(serialize_with = "whole_ms")]
    pub start: f64,
    #[serde(serialize_with = "whole_ms")]
    pub end: f64,
    /// `web`, or for an app's window `ios`, `android` or `unknown`.
    pub platform: String,
}

#[derive(Debug, Serialize)]
pub struct UrlReport {
    #[serde(serialize_with = "whole_ms")]
    pub t: f64,
    pub window: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct ConsoleReport {
    #[serde(serialize_with = "whole_ms")]
    pub t: f64,
    pub window: String,
    pub text: String,
    pub count: u32,
}

#[derive(Debug, Serialize)]
pub struct NetworkReport {
    #[serde(serialize_with = "whole_ms")]
    pub t: f64,
    pub window: String,
    pub method: Option<String>,
    pub url: String,
    pub status: Option<u32>,
}

/// Milliseconds as JSON: an integer when whole, as recorders write timestamps.
fn whole_ms<S: serde::Serializer>(ms: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    timestamp_value(*ms).serialize(serializer)
}

/// The names of rrweb's event types, by number.
const TYPE_NAMES: [&str; 7] = [
    "DomContentLoaded",
    "Load",
    "FullSnapshot",
    "IncrementalSnapshot",
    "Meta",
    "Custom",
    "Plugin",
];

/// The names of rrweb's incremental sources, by number.
const SOURCE_NAMES: [&str; 16] = [
    "Mutation",
    "MouseMove",
    "MouseInteraction",
    "Scroll",
    "ViewportResize",
    "Input",
    "TouchMove",
    "MediaInteraction",
    "StyleSheetRule",
    "CanvasMutation",
    "Font",
    "Log",
    "Drag",
    "StyleDeclaration",
    "Selection",
    "AdoptedStyleSheet",
];

/// What names a plugin or custom event: its `data.plugin` or `data.tag`, when text.
#[derive(Default)]
struct Label {
    plugin: Option<String>,
    tag: Option<String>,
}

/// Reads an event's label, skipping the rest of it unparsed (a network event's bodies, say).
fn label(event: &Event) -> Label {
    #[derive(Deserialize)]
    struct Data {
        plugin: Option<Value>,
        tag: Option<Value>,
    }
    #[derive(Deserialize)]
    struct Wrapper {
        data: Data,
    }
    let text = |value: Option<Value>| match value {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    match serde_json::from_str::<Wrapper>(&event.json.readable()) {
        Ok(Wrapper { data }) => Label {
            plugin: text(data.plugin),
            tag: text(data.tag),
        },
        Err(_) => Label::default(),
    }
}

/// Reports on one recording, read from the inputs at these indexes: on its timeline, as the page
/// shows it (its warnings name the events far outside the session it leaves out).
pub fn report(inputs: Vec<usize>, format: Format, recording: &Recording) -> RecordingReport {
    let timeline = recording.timeline();
    let recording = &*timeline;
    let start = recording.start();
    let window_id = |w: usize| recording.windows[w].id.clone();
    let mut analyzer = Analyzer::new(start);
    let mut events_by_type = BTreeMap::new();
    let mut incremental_by_source = BTreeMap::new();
    let mut events_by_plugin = BTreeMap::new();
    let mut custom_by_tag = BTreeMap::new();
    let mut event_bytes = 0u64;
    for (w, window) in recording.windows.iter().enumerate() {
        analyzer.observe_window(w, &window.events);
        for event in &window.events {
            let name = |names: &[&str], n: u8| {
                names
                    .get(usize::from(n))
                    .map_or(n.to_string(), |s| (*s).to_owned())
            };
            *events_by_type
                .entry(name(&TYPE_NAMES, event.kind))
                .or_insert(0) += 1;
            if let Some(source) = event.source {
                *incremental_by_source
                    .entry(name(&SOURCE_NAMES, source))
                    .or_insert(0) += 1;
            }
            // (Every compressed event expands: a damaged one was made a note when read.)
            if let Ok(text) = event.json.text() {
                event_bytes += text.len() as u64;
            }
            match event.kind {
                event_type::PLUGIN => {
                    let plugin = label(event).plugin.unwrap_or_default();
                    *events_by_plugin.entry(plugin).or_insert(0) += 1;
                }
                event_type::CUSTOM => {
                    let tag = label(event).tag.unwrap_or_default();
                    *custom_by_tag.entry(tag).or_insert(0) += 1;
                }
                _ => {}
            }
        }
    }
    let (markers, inspector) = analyzer.finish();
    let mut console_by_level = BTreeMap::new();
    for row in &inspector.console {
        *console_by_level.entry(row.level.clone()).or_insert(0) += row.count as usize;
    }
    let mut problems = recording.warnings.clone();
    if recording.out_of_order > 0 {
        problems.push(format!(
            "{} events came after a later event of their window (they were put in time order)",
            recording.out_of_order
        ));
    }
    let mut app = None::<MobileFacts>;
    let platforms: Vec<Platform> = recording
        .windows
        .iter()
        .map(|w| {
            if !is_mobile_window(w) {
                return Platform::Web;
            }
            let facts = MobileFacts::of_window(w);
            let platform = facts.platform();
            app.get_or_insert_with(MobileFacts::default).add(&facts);
            platform
        })
        .collect();
    let urls: Vec<UrlReport> = markers
        .iter()
        .filter(|m| matches!(m.kind, MarkerKind::PageView | MarkerKind::UrlChange))
        .map(|m| UrlReport {
            t: m.t,
            window: window_id(m.window),
            url: m.label.clone(),
        })
        .collect();
    let mobile = app.as_ref().map(|facts| {
        let mut screens: Vec<&str> = markers
            .iter()
            .filter(|m| matches!(m.kind, MarkerKind::PageView | MarkerKind::UrlChange))
            .filter(|m| platforms[m.window] != Platform::Web)
            .map(|m| m.label.as_str())
            .collect();
        screens.sort_unstable();
        screens.dedup();
        MobileReport {
            screens: screens.len(),
            touches: facts.touches,
            wireframes: facts.wireframes,
            diffs: facts.diffs,
            images: facts.images,
        }
    });
    let platform = match &app {
        Some(facts) => facts.platform(),
        None => Platform::Web,
    };
    RecordingReport {
        platform: platform.name().to_owned(),
        mobile,
        inputs,
        format: format.to_string(),
        session_id: recording.session_id.clone(),
        person: recording.person.clone(),
        start: rfc3339(start),
        end: rfc3339(recording.end()),
        start_timestamp: start,
        end_timestamp: recording.end(),
        duration_ms: recording.duration(),
        windows: recording
            .windows
            .iter()
            .zip(&platforms)
            .map(|(w, platform)| WindowReport {
                platform: platform.name().to_owned(),
                id: w.id.clone(),
                events: w.events.len(),
                full_snapshots: w
                    .events
                    .iter()
                    .filter(|e| e.kind == event_type::FULL_SNAPSHOT)
                    .count(),
                start: w.start() - start,
                end: w.end() - start,
            })
            .collect(),
        events_by_type,
        incremental_by_source,
        events_by_plugin,
        custom_by_tag,
        urls,
        console_by_level,
        console_errors: inspector
            .console
            .iter()
            .filter(|r| r.is_error())
            .map(|r| ConsoleReport {
                t: r.t,
                window: window_id(r.window),
                text: r.text.clone(),
                count: r.count,
            })
            .collect(),
        network_requests: inspector.network.len(),
        network_failures: inspector
            .network
            .iter()
            .filter(|r| r.failed)
            .map(|r| NetworkReport {
                t: r.t,
                window: window_id(r.window),
                method: r.method.clone(),
                url: r.url.clone(),
                status: r.status,
            })
            .collect(),
        event_bytes,
        problems,
        notes: crate::notes::notes_of(recording)
            .into_iter()
            .map(|n| NoteReport {
                t: n.t,
                text: n.text,
            })
            .collect(),
        clip: crate::clip::info(recording).map(|c| ClipReport {
            from: c.from,
            to: c.to,
            session_start: rfc3339(c.session_start),
            session_start_timestamp: c.session_start,
            session_duration_ms: c.session_duration,
        }),
        pii: None,
    }
}

impl InputReport {
    pub fn new(path: String, file_bytes: u64, container: Container, text_bytes: usize) -> Self {
        InputReport {
            path,
            file_bytes,
            container: container.to_string(),
            text_bytes: text_bytes as u64,
        }
    }
}

impl Inspection {
    /// The report as text for a terminal.
    pub fn to_text(&self) -> Result<String> {
        let mut out = String::new();
        let bytes = |n: u64| format!("{} ({n} bytes)", human_bytes(n));
        for input in &self.inputs {
            write!(
                out,
                "{}: {}, {}",
                input.path,
                bytes(input.file_bytes),
                input.container
            )?;
            if input.container != Container::Plain.to_string() {
                write!(out, ", {} unwrapped", bytes(input.text_bytes))?;
            }
            writeln!(out)?;
        }
        for failure in &self.failures {
            let names: Vec<&str> = failure
                .inputs
                .iter()
                .map(|&i| self.inputs[i].path.as_str())
                .collect();
            writeln!(
                out,
                "could not read {}: {}",
                names.join(", "),
                failure.error
            )?;
        }
        for (n, r) in self.recordings.iter().enumerate() {
            writeln!(out, "\nrecording {} of {}", n + 1, self.recordings.len())?;
            writeln!(out, "format: {}", r.format)?;
            writeln!(
                out,
                "session: {}",
                r.session_id.as_deref().unwrap_or("(none)")
            )?;
            if let Some(person) = &r.person {
                let who = [
                    person.pointer("/properties/name"),
                    person.pointer("/properties/email"),
                    person.pointer("/distinct_ids/0"),
                ];
                let who: Vec<&str> = who.iter().flatten().filter_map(|v| v.as_str()).collect();
                writeln!(
                    out,
                    "person: {}",
                    if who.is_empty() {
                        "(unnamed)".to_owned()
                    } else {
                        who.join(", ")
                    }
                )?;
            }
            writeln!(
                out,
                "start: {}\nend: {}\nduration: {}",
                r.start,
                r.end,
                clock(r.duration_ms)
            )?;
            if r.platform != "web" {
                writeln!(out, "platform: {} (a mobile app)", r.platform)?;
            }
            if let Some(m) = &r.mobile {
                writeln!(
                    out,
                    "app: {} screen{}, {} touch{}, {} wireframe{}, {} diff{}, {} image{}",
                    m.screens,
                    crate::plural(m.screens),
                    m.touches,
                    if m.touches == 1 { "" } else { "es" },
                    m.wireframes,
                    crate::plural(m.wireframes),
                    m.diffs,
                    crate::plural(m.diffs),
                    m.images,
                    crate::plural(m.images),
                )?;
            }
            if let Some(c) = &r.clip {
                writeln!(
                    out,
                    "clip: {} of {}, from {} (the session started {})",
                    clock(c.to - c.from),
                    clock(c.session_duration_ms),
                    clock(c.from),
                    c.session_start
                )?;
            }
            writeln!(out, "windows: {}", r.windows.len())?;
            for w in &r.windows {
                writeln!(
                    out,
                    "  {:<40} {:>7} events, {} full snapshot{}, {} to {}",
                    if w.id.is_empty() { "(unnamed)" } else { &w.id },
                    w.events,
                    w.full_snapshots,
                    crate::plural(w.full_snapshots),
                    clock(w.start),
                    clock(w.end)
                )?;
            }
            writeln!(out, "events by type: {}", counts(&r.events_by_type))?;
            if !r.incremental_by_source.is_empty() {
                writeln!(
                    out,
                    "incremental snapshots: {}",
                    counts(&r.incremental_by_source)
                )?;
            }
            if !r.events_by_plugin.is_empty() {
                writeln!(out, "plugins: {}", counts(&r.events_by_plugin))?;
            }
            if !r.custom_by_tag.is_empty() {
                writeln!(out, "custom events: {}", counts(&r.custom_by_tag))?;
            }
            if !r.notes.is_empty() {
                writeln!(out, "notes:")?;
                for n in &r.notes {
                    writeln!(out, "  {} {}", clock(n.t), n.text)?;
                }
            }
            writeln!(out, "urls:")?;
            for u in &r.urls {
                writeln!(out, "  {} {}", clock(u.t), u.url)?;
            }
            writeln!(
                out,
                "console: {}",
                if r.console_by_level.is_empty() {
                    "none".to_owned()
                } else {
                    counts(&r.console_by_level)
                }
            )?;
            for e in &r.console_errors {
                let repeats = if e.count > 1 {
                    format!(" (x{})", e.count)
                } else {
                    String::new()
                };
                writeln!(out, "  error at {}: {}{repeats}", clock(e.t), e.text)?;
            }
            writeln!(
                out,
                "network: {} requests, {} failed",
                r.network_requests,
                r.network_failures.len()
            )?;
            for f in &r.network_failures {
                let status = f.status.map_or("failed".to_owned(), |s| s.to_string());
                writeln!(
                    out,
                    "  {} at {}: {} {}",
                    status,
                    clock(f.t),
                    f.method.as_deref().unwrap_or("GET"),
                    f.url
                )?;
            }
            writeln!(out, "events: {} of JSON", bytes(r.event_bytes))?;
            if r.problems.is_empty() {
                writeln!(out, "problems: none")?;
            } else {
                writeln!(out, "problems:")?;
                for p in &r.problems {
                    writeln!(out, "  {p}")?;
                }
            }
            if let Some(findings) = &r.pii {
                write_pii(&mut out, findings)?;
            }
        }
        Ok(out)
    }
}

/// The personal-data findings, one a line, then the summary.
fn write_pii(out: &mut String, findings: &[crate::pii::Finding]) -> Result<()> {
    if findings.is_empty() {
        writeln!(out, "personal data: none found")?;
        return Ok(());
    }
    writeln!(out, "personal data: {}", crate::pii::counts(findings))?;
    for f in findings {
        let at = match (&f.window, f.t) {
            (Some(window), Some(t)) => {
                let window = if window.is_empty() {
                    "(unnamed)"
                } else {
                    window
                };
                format!("at {} in window {window}", clock(t))
            }
            _ => "in the person".to_owned(),
        };
        writeln!(out, "  {:<7} {:<9} {at}: {}", f.kind, f.place, f.sample)?;
    }
    writeln!(out, "summary:")?;
    for line in crate::pii::summary(findings) {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds as a clock, in whole seconds: `1:02:03` or `2:03`.
pub(crate) fn clock(ms: f64) -> String {
    let negative = ms < 0.0;
    let total = (ms.abs() / 1000.0).floor() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let text = if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    };
    if negative { format!("-{text}") } else { text }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Epoch milliseconds as an RFC 3339 UTC time, to the millisecond.
pub fn rfc3339(epoch_ms: f64) -> String {
    let ms = epoch_ms.round() as i64;
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, milli) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000,
    );
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_utc_times_and_clocks() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_355_314_677.0), "2026-11-22T13:48:34.677Z");
        assert_eq!(rfc3339(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(clock(16_398.0), "0:16");
        assert_eq!(clock(3_723_000.0), "1:02:03");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
    }
}
