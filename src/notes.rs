//! Notes (`bundle --note TIME TEXT`, `--notes FILE`): text pinned to moments of a recording,
//! shown as markers of their own on the page's timeline and in a Notes tab of its inspector.
//!
//! A note is a custom event of the project's own tag, [`NOTE_TAG`], in the window on screen at
//! its moment: it travels with the events, so an export of the page (`extract`) keeps it and
//! bundles back to the same page, and PostHog's player passes over it.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::recording::{Event, EventJson, Recording, event_type, timestamp_value};

/// Tag of the custom events that hold notes.
pub const NOTE_TAG: &str = "replay-html/note";

/// Longest note text taken, in characters.
const MAX_TEXT: usize = 2000;

/// A note: its moment, in milliseconds of session time, and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub t: f64,
    pub text: String,
}

impl Note {
    /// A note from a moment as `--start` takes it (`90`, `1m30s`, `1:30`) and its text.
    pub fn new(time: &str, text: &str) -> Result<Note> {
        let ms = crate::page::parse_moment(time)
            .with_context(|| format!("the note {:?} has no moment", shorten(text)))?;
        let text = text.trim();
        if text.is_empty() {
            bail!("the note at {time} has no text");
        }
        if text.chars().count() > MAX_TEXT {
            bail!(
                "the note at {time} is longer than {MAX_TEXT} characters: {:?}",
                shorten(text)
            );
        }
        Ok(Note {
            t: ms,
            text: text.to_owned(),
        })
    }

    fn describe(&self) -> String {
        format!(
            "the note {:?} at {}",
            shorten(&self.text),
            crate::inspect::clock(self.t)
        )
    }
}

/// The first words of a note, to name it in a message.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}

/// Reads notes from a `--notes` file: JSON (`[{"t": "1:30", "text": "…"}]`, `t` a moment as
/// `--start` takes it, or a number of seconds) or CSV (`time,text` a line, an optional header
/// line `time,text`, the text quoted with `"` when it holds commas or quotes).
pub fn parse_file(text: &str) -> Result<Vec<Note>> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('[') {
        #[derive(Deserialize)]
        struct Entry {
            t: Value,
            text: String,
        }
        let entries: Vec<Entry> = serde_json::from_str(text)
            .context("it is not a JSON array of {\"t\": \"1:30\", \"text\": \"…\"}")?;
        return entries
            .iter()
            .map(|e| {
                let time = match &e.t {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => bail!("the note {:?} has no moment ({other})", shorten(&e.text)),
                };
                Note::new(&time, &e.text)
            })
            .collect();
    }
    let mut notes = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (time, rest) = line
            .split_once(',')
            .with_context(|| format!("line {} is not time,text", n + 1))?;
        if n == 0 && time.trim().eq_ignore_ascii_case("time") {
            continue;
        }
        let text = csv_field(rest.trim()).with_context(|| format!("line {}", n + 1))?;
        notes.push(Note::new(time.trim(), &text).with_context(|| format!("line {}", n + 1))?);
    }
    Ok(notes)
}

/// A CSV field: as it is, or unquoted when it starts with `"` (`""` is a quote).
fn csv_field(field: &str) -> Result<String> {
    let Some(quoted) = field.strip_prefix('"') else {
        return Ok(field.to_owned());
    };
    let inner = quoted
        .strip_suffix('"')
        .context("a quoted text does not end with a quote")?;
    Ok(inner.replace("\"\"", "\""))
}

/// Checks that every note lies within `from..=to` (milliseconds of session time), else fails
/// naming the first that does not.
pub fn check_within(notes: &[Note], from: f64, to: f64, what: &str) -> Result<()> {
    for note in notes {
        if note.t < from || note.t > to {
            bail!(
                "{} is outside the {what} ({} to {})",
                note.describe(),
                crate::inspect::clock(from),
                crate::inspect::clock(to)
            );
        }
    }
    Ok(())
}

/// Adds the notes to the recording, each in the window on screen at its moment.
pub fn add(recording: &mut Recording, notes: &[Note]) -> Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    check_within(notes, 0.0, recording.duration(), "recording")?;
    let start = recording.start();
    let segments = crate::analysis::segments(recording);
    for note in notes {
        let w = segments
            .iter()
            .rev()
            .find(|s| s.start <= note.t && s.window.is_some())
            .and_then(|s| s.window)
            .unwrap_or(0);
        let timestamp = start + note.t;
        let events = &mut recording.windows[w].events;
        let at = events
            .iter()
            .position(|e| e.timestamp > timestamp)
            .unwrap_or(events.len());
        let event = json!({
            "type": event_type::CUSTOM,
            "data": {"tag": NOTE_TAG, "payload": {"text": note.text}},
            "timestamp": timestamp_value(timestamp),
        });
        events.insert(
            at,
            Event {
                timestamp,
                kind: event_type::CUSTOM,
                source: None,
                json: EventJson::Owned(event.to_string().into()),
            },
        );
    }
    Ok(())
}

/// The notes a recording holds, in time order, with their moments in session time.
pub fn notes_of(recording: &Recording) -> Vec<Note> {
    let start = recording.start();
    let mut notes: Vec<Note> = recording
        .windows
        .iter()
        .flat_map(|w| &w.events)
        .filter_map(|e| Some((e.timestamp, note_text(e)?)))
        .map(|(timestamp, text)| Note {
            t: timestamp - start,
            text,
        })
        .collect();
    notes.sort_by(|a, b| a.t.total_cmp(&b.t));
    notes
}

/// A note event's text.
pub fn note_text(event: &Event) -> Option<String> {
    if event.kind != event_type::CUSTOM {
        return None;
    }
    let text = event.json.readable();
    if !text.contains(NOTE_TAG) {
        return None;
    }
    let value: Value = serde_json::from_str(&text).ok()?;
    if value.pointer("/data/tag")?.as_str()? != NOTE_TAG {
        return None;
    }
    Some(value.pointer("/data/payload/text")?.as_str()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_and_json_files() {
        let csv = "time,text\n1:30,pays twice\r\n95,\"the total, again: \"\"42\"\"\"\n\n";
        assert_eq!(
            parse_file(csv).unwrap(),
            [
                Note {
                    t: 90_000.0,
                    text: "pays twice".into()
                },
                Note {
                    t: 95_000.0,
                    text: "the total, again: \"42\"".into()
                },
            ]
        );
        let json = r#"[{"t": "1m", "text": "a"}, {"t": 2.5, "text": "b"}]"#;
        assert_eq!(
            parse_file(json).unwrap(),
            [
                Note {
                    t: 60_000.0,
                    text: "a".into()
                },
                Note {
                    t: 2_500.0,
                    text: "b".into()
                }
            ]
        );
        for bad in [
            "1:30 no comma",
            "soon,text",
            "1,",
            "[{\"t\": true, \"text\": \"x\"}]",
            "1,\"open",
        ] {
            assert!(parse_file(bad).is_err(), "{bad}");
        }
    }
}
