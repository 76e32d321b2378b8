//! Clips (`bundle --from TIME --to TIME`): a stretch of a recording, as a recording of its own.
//!
//! For each window, a clip keeps the events from the last full snapshot at or before `from` to
//! `to`, and nothing after `to`. What comes between that snapshot and `from` is kept only when
//! it changes the page's state (mutations, scrolls, input, resizes, style changes, media, ...),
//! moved to the moment `from`: the clip opens on the page as it was at `from`, and pointer
//! moves, clicks, console messages, requests and custom events from before `from` are left out.
//! A window that shows nothing in the clip (it ends before `from` and is not on screen then, or
//! starts after `to`) is left out.
//!
//! The clip is marked by two custom events of the project's own tag, [`CLIP_TAG`], at `from`
//! and at `to`: they make the recording start at `from` and last until `to` (time 0 of the page
//! is `from`), they carry the original session's start and duration, and they stay in an
//! export of the clip (`extract`), so that it bundles back to the same page.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::recording::{Event, EventJson, Recording, event_type, source, timestamp_value};

/// Tag of the custom events that mark a clip's start and end.
pub const CLIP_TAG: &str = "replay-html/clip";

/// A stretch of a recording, in milliseconds of its session time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Clip {
    /// From here (by default the start).
    pub from: Option<f64>,
    /// To here (by default the end).
    pub to: Option<f64>,
}

/// What a clip's start marker says of the session it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipInfo {
    /// Where the clip starts and ends, in milliseconds of the original session's time.
    pub from: f64,
    pub to: f64,
    /// Epoch milliseconds of the original session's first event, and its duration.
    pub session_start: f64,
    pub session_duration: f64,
}

impl Clip {
    pub fn is_whole(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Cuts the recording down to the clip.
    pub fn apply(&self, recording: &mut Recording) -> Result<()> {
        if self.is_whole() {
            return Ok(());
        }
        let start = recording.start();
        let duration = recording.duration();
        let from = self.from.unwrap_or(0.0);
        let to = self.to.unwrap_or(duration);
        let length = crate::inspect::clock(duration);
        if from > duration {
            bail!(
                "--from {} is after the recording's end (it lasts {length})",
                crate::inspect::clock(from)
            );
        }
        if to > duration {
            bail!(
                "--to {} is after the recording's end (it lasts {length})",
                crate::inspect::clock(to)
            );
        }
        if from >= to {
            bail!(
                "--from {} is not before --to {} (the recording lasts {length})",
                crate::inspect::clock(from),
                crate::inspect::clock(to)
            );
        }
        // A clip of a clip: the markers say where in the original session it lies.
        let outer = info(recording);
        let (session_start, session_duration, offset) = match outer {
            Some(info) => (info.session_start, info.session_duration, info.from),
            None => (start, duration, 0.0),
        };
        let (from_ts, to_ts) = (start + from, start + to);
        // The page shows a moment before the events of that very moment, except at its end: a
        // clip that ends before the recording does ends before the events of its `to`, so that
        // its end shows what the whole shows at `to`.
        let past_end = |t: f64| if to < duration { t >= to_ts } else { t > to_ts };
        let shown_at_from = shown_window_at(recording, from);
        let shown_id = shown_at_from.map(|w| recording.windows[w].id.clone());

        let mut windows = Vec::with_capacity(recording.windows.len());
        for (w, mut window) in std::mem::take(&mut recording.windows)
            .into_iter()
            .enumerate()
        {
            let events = std::mem::take(&mut window.events);
            let snapshot = events
                .iter()
                .rposition(|e| e.kind == event_type::FULL_SNAPSHOT && e.timestamp <= from_ts);
            let first = match snapshot {
                Some(i) if i > 0 && events[i - 1].kind == event_type::META => i - 1,
                Some(i) => i,
                None => events
                    .iter()
                    .position(|e| e.timestamp >= from_ts)
                    .unwrap_or(events.len()),
            };
            // A window that ended before the clip is kept only when it is on screen at `from`.
            if events.last().is_none_or(|e| e.timestamp < from_ts) && shown_at_from != Some(w) {
                continue;
            }
            let mut kept = Vec::new();
            for event in events.into_iter().skip(first) {
                if past_end(event.timestamp) {
                    break;
                }
                if is_clip_marker(&event) {
                    continue;
                }
                if event.timestamp < from_ts {
                    if changes_state(&event) {
                        kept.push(moved_to(event, from_ts).with_context(|| {
                            format!("could not move an event of window {}", window.id)
                        })?);
                    }
                } else {
                    kept.push(event);
                }
            }
            if kept.iter().any(|e| e.kind == event_type::FULL_SNAPSHOT) {
                window.events = kept;
                windows.push(window);
            }
        }
        if windows.is_empty() {
            bail!(
                "the clip from {} to {} holds no window that can be replayed",
                crate::inspect::clock(from),
                crate::inspect::clock(to)
            );
        }
        // The markers go to the window on screen at `from` (else the first), after its events
        // of that moment, so each window still begins with its Meta event and snapshot.
        let marked = windows
            .iter()
            .position(|win| Some(&win.id) == shown_id.as_ref())
            .unwrap_or(0);
        let info = ClipInfo {
            from: offset + from,
            to: offset + to,
            session_start,
            session_duration,
        };
        let events = &mut windows[marked].events;
        let at_from = events
            .iter()
            .position(|e| e.timestamp > from_ts)
            .unwrap_or(events.len());
        events.insert(at_from, marker(from_ts, Some(&info)));
        events.push(marker(to_ts, None));
        recording.windows = windows;
        Ok(())
    }
}

/// The window the viewer shows at a moment of session time, as the timeline's segments say.
fn shown_window_at(recording: &Recording, t: f64) -> Option<usize> {
    let segments = crate::analysis::segments(recording);
    segments
        .iter()
        .rev()
        .find(|s| s.start <= t)
        .or(segments.first())
        .and_then(|s| s.window)
}

/// What the clip markers of a recording say of the session it was cut from.
pub fn info(recording: &Recording) -> Option<ClipInfo> {
    recording
        .windows
        .iter()
        .flat_map(|w| &w.events)
        .filter(|e| e.kind == event_type::CUSTOM)
        .find_map(|e| {
            let value: Value = serde_json::from_str(&e.json.readable()).ok()?;
            if value.pointer("/data/tag")?.as_str()? != CLIP_TAG {
                return None;
            }
            serde_json::from_value(value.pointer("/data/payload")?.clone()).ok()
        })
}

/// Whether an event is one of a clip's markers.
pub fn is_clip_marker(event: &Event) -> bool {
    event.kind == event_type::CUSTOM && {
        let text = event.json.readable();
        text.contains(CLIP_TAG)
            && serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.pointer("/data/tag")?.as_str().map(|t| t == CLIP_TAG))
                .unwrap_or(false)
    }
}

/// A clip marker: the start (with what it says of the session) or the end.
fn marker(timestamp: f64, info: Option<&ClipInfo>) -> Event<'static> {
    let payload = match info {
        Some(info) => json!(info),
        None => json!({"end": true}),
    };
    let event = json!({
        "type": event_type::CUSTOM,
        "data": {"tag": CLIP_TAG, "payload": payload},
        "timestamp": timestamp_value(timestamp),
    });
    Event {
        timestamp,
        kind: event_type::CUSTOM,
        source: None,
        json: EventJson::Owned(event.to_string().into()),
    }
}

/// Whether an event before the clip's start changes what the page shows at the start: the
/// snapshot and its Meta event, incremental changes to the page (not pointer moves, clicks,
/// touches, drags or console records, which only happen), and a mobile app's keyboard.
fn changes_state(event: &Event) -> bool {
    match event.kind {
        event_type::META | event_type::FULL_SNAPSHOT => true,
        event_type::INCREMENTAL_SNAPSHOT => !matches!(
            event.source,
            Some(
                source::MOUSE_MOVE
                    | source::MOUSE_INTERACTION
                    | source::TOUCH_MOVE
                    | source::LOG
                    | source::DRAG
            )
        ),
        // A mobile app's keyboard opening or closing is the screen's state too.
        event_type::CUSTOM => {
            let text = event.json.readable();
            text.contains("keyboard")
                && serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v.pointer("/data/tag")?.as_str().map(|t| t == "keyboard"))
                    .unwrap_or(false)
        }
        _ => false,
    }
}

/// The event at another moment.
fn moved_to<'a>(event: Event<'a>, timestamp: f64) -> Result<Event<'a>> {
    if event.timestamp == timestamp {
        return Ok(event);
    }
    let mut value: Value = crate::json::from_str_within_depth(&event.json.text()?)?;
    if let Some(object) = value.as_object_mut() {
        object.insert("timestamp".to_owned(), timestamp_value(timestamp));
    }
    Ok(Event {
        timestamp,
        json: EventJson::Owned(serde_json::to_string(&value)?.into()),
        ..event
    })
}
