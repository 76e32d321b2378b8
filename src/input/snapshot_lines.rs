//! PostHog snapshot JSONL: what the snapshot API answers for `source=blob_v2`, and how
//! recordings sit in storage. One JSON value a line, in any of these shapes:
//!
//! 1. `["<window id>", event]` (the current storage format; the id may be `""`);
//! 2. `{...event, "windowId": <id>}`;
//! 3. `{"window_id": "<id>", "data": [event, ...]}` (legacy blob v1; `windowId` also seen).
//!
//! Blank lines and CRLF line ends are fine. A line that is not JSON, or not one of these shapes,
//! is skipped with a warning that names it: the rest of the session still plays.

use anyhow::{Result, bail};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::recording::{ReadEvent, Recording, RecordingBuilder, Under, read_event};

/// The keys that tell the line shapes apart.
#[derive(Deserialize)]
struct LineObject<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    window_id: Option<&'a RawValue>,
    #[serde(borrow, rename = "windowId")]
    window_id_camel: Option<&'a RawValue>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

enum Line<'a> {
    /// Events (their JSON text), filed under the window the line names, or under their own
    /// `windowId`.
    Events(Under<'a>, Vec<&'a str>),
    NotSnapshot,
}

/// Reads one line (trimmed, not empty) in a single parse: the shapes' own parses check that the
/// line is JSON. Only a line that is none of them is parsed again, to tell a line that is not
/// JSON (an error that says where) from one that is not a snapshot line.
fn classify(line: &str) -> Result<Line<'_>, serde_json::Error> {
    let shaped = match line.as_bytes().first() {
        Some(b'[') => Some(serde_json::from_str::<(&RawValue, &RawValue)>(line).map(
            |(window, event)| {
                if window.get().starts_with('"')
                    || window.get().starts_with(|c: char| c.is_ascii_digit())
                {
                    Line::Events(Under::RawWindow(window), vec![event.get()])
                } else {
                    Line::NotSnapshot
                }
            },
        )),
        Some(b'{') => Some(serde_json::from_str::<LineObject>(line).map(|object| {
            if object.kind.is_some() {
                return Line::Events(Under::Own, vec![line]);
            }
            let window = object.window_id.or(object.window_id_camel);
            let events = object
                .data
                .map(|d| serde_json::from_str::<Vec<&RawValue>>(d.get()));
            match (window, events) {
                (Some(window), Some(Ok(events))) => Line::Events(
                    Under::RawWindow(window),
                    events.into_iter().map(RawValue::get).collect(),
                ),
                _ => Line::NotSnapshot,
            }
        })),
        _ => None,
    };
    match shaped {
        Some(Ok(shaped)) => Ok(shaped),
        _ => serde_json::from_str::<&RawValue>(line).map(|_| Line::NotSnapshot),
    }
}

/// A line, read: its events, or why it has none.
enum ReadLine<'a> {
    Events(Under<'a>, Vec<ReadEvent<'a>>),
    NotSnapshot,
    NotJson(serde_json::Error),
}

/// Reads a line's events, most lines in one parse. A `["<window>", event]` line (PostHog's
/// storage format, and nearly every line of a recording) is split at its comma without parsing
/// the event, which [`read_event`] then parses once, whole. A line that does not split so
/// simply, or whose event that parse does not take, is read as [`classify`] reads it: every
/// line ends up read alike, whichever way it was read.
fn read_line(line: &str) -> ReadLine<'_> {
    if let Some((window, event)) = split_window_line(line) {
        let read = read_event(event);
        if read.parsed_whole() {
            return ReadLine::Events(Under::RawWindow(window), vec![read]);
        }
    }
    match classify(line) {
        Ok(Line::Events(under, events)) => {
            ReadLine::Events(under, events.into_iter().map(read_event).collect())
        }
        Ok(Line::NotSnapshot) => ReadLine::NotSnapshot,
        Err(err) => ReadLine::NotJson(err),
    }
}

/// `["<window>", {event}]` split into the window id (checked to be a JSON string or number) and
/// the event's text (not checked: it is whatever stands between the comma and the last
/// bracket). `None` for any other line.
fn split_window_line(line: &str) -> Option<(&RawValue, &str)> {
    const WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];
    let rest = line.strip_prefix('[')?.trim_start_matches(WHITESPACE);
    let bytes = rest.as_bytes();
    let end = match bytes.first()? {
        b'"' => crate::json::string_end(bytes, 1)?.0 + 1,
        b'0'..=b'9' => rest
            .find(|c: char| !matches!(c, '0'..='9' | '.' | 'e' | 'E' | '+' | '-'))
            .unwrap_or(rest.len()),
        _ => return None,
    };
    let window = serde_json::from_str::<&RawValue>(rest.get(..end)?).ok()?;
    let event = rest
        .get(end..)?
        .trim_start_matches(WHITESPACE)
        .strip_prefix(',')?
        .strip_suffix(']')?
        .trim_matches(WHITESPACE);
    event.starts_with('{').then_some((window, event))
}

/// Whether a JSON value has one of the snapshot-line shapes.
pub fn is_snapshot_line(value: &RawValue) -> bool {
    matches!(classify(value.get()), Ok(Line::Events(..)))
}

/// Reads JSONL text. Lines are read on all cores.
pub fn read(text: &str) -> Result<Recording<'_>> {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    let read: Vec<_> = lines
        .par_iter()
        .map(|&(number, line)| (number, read_line(line)))
        .collect();
    let mut entries = Vec::new();
    let mut bad_lines = Vec::new();
    for (number, line) in read {
        match line {
            ReadLine::Events(under, events) => entries.push((under, events)),
            ReadLine::NotSnapshot => {
                bad_lines.push(format!("line {number} is not a snapshot line"))
            }
            ReadLine::NotJson(err) => {
                bad_lines.push(format!("line {number} is not valid JSON ({err})"))
            }
        }
    }
    if entries.is_empty() {
        match bad_lines.first() {
            Some(first) => bail!(
                "it has one JSON value a line, but none is a snapshot line ({first}; expected [\"window id\", event], \
                 an rrweb event, or {{\"window_id\": ..., \"data\": [events]}})"
            ),
            None => bail!("it is empty"),
        }
    }
    let mut builder = RecordingBuilder::new();
    if let Some(first) = bad_lines.first() {
        let more = match bad_lines.len() {
            1 => String::new(),
            n => format!(" and {} more bad lines", n - 1),
        };
        builder.warn(format!("skipped {first}{more}"));
    }
    for (under, events) in entries {
        for event in events {
            builder.file(event, under);
        }
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use crate::input::Format;
    use crate::input::tests::read_leaked as read;

    const SNAPSHOT: &str = r#"{"type":2,"data":{"node":{}},"timestamp":1}"#;

    #[test]
    fn reads_every_line_shape_with_blank_lines_and_crlf() {
        let input = format!(
            "[\"a\",{SNAPSHOT}]\r\n\r\n{{\"type\":3,\"data\":{{\"source\":1}},\"timestamp\":2,\"windowId\":\"a\"}}\r\n\
             {{\"window_id\":\"b\",\"data\":[{SNAPSHOT}]}}\n{{\"windowId\":3,\"data\":[{SNAPSHOT}]}}\n[\"\",{SNAPSHOT}]\n"
        );
        let (format, rec) = read(input.as_bytes()).unwrap();
        assert_eq!(format, Format::SnapshotLines);
        let windows: Vec<_> = rec
            .windows
            .iter()
            .map(|w| (w.id.as_str(), w.events.len()))
            .collect();
        // Each snapshot gets a Meta event inserted before it.
        assert_eq!(windows, [("a", 3), ("b", 2), ("3", 2), ("", 2)]);
        assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
    }

    #[test]
    fn skips_a_bad_line_and_says_which() {
        let input = format!("[\"a\",{SNAPSHOT}]\n[\"a\",{{\"type\":3,\n[\"a\",{SNAPSHOT}]\n");
        let (_, rec) = read(input.as_bytes()).unwrap();
        assert!(
            rec.warnings[0].starts_with("skipped line 2 is not valid JSON"),
            "{:?}",
            rec.warnings
        );
    }

    #[test]
    fn tells_a_line_that_is_not_json_from_one_of_another_shape() {
        for (line, reason) in [
            ("[\"a\",{\"type\":2,", "is not valid JSON"),
            ("{\"type\":3,\"data\":", "is not valid JSON"),
            ("nonsense", "is not valid JSON"),
            ("[\"a\",{\"type\":2},3]", "is not a snapshot line"),
            ("[null,{\"type\":2}]", "is not a snapshot line"),
            ("{\"type\":3,\"type\":4}", "is not a snapshot line"),
            ("42", "is not a snapshot line"),
            ("[-1,{\"type\":2}]", "is not a snapshot line"),
            (
                "[\"a\",{\"type\":2,\"data\":{\"node\":{}},\"timestamp\":1} x]",
                "is not valid JSON",
            ),
            ("[\"a\\\",{\"type\":2}]", "is not valid JSON"),
        ] {
            let input = format!("[\"a\",{SNAPSHOT}]\n{line}\n");
            let (_, rec) = read(input.as_bytes()).unwrap();
            assert!(
                rec.warnings[0].starts_with(&format!("skipped line 2 {reason}")),
                "{line}: {:?}",
                rec.warnings
            );
        }
    }

    #[test]
    fn reads_window_lines_however_they_are_spaced_and_escaped() {
        let input = format!(
            "[ \"a\" ,\t{SNAPSHOT} ]\n[\"b\\\"c\\\\\",{SNAPSHOT}]\n[12,{SNAPSHOT}]\n[1.5e3,{SNAPSHOT}]\n\
             [\"a\",{{\"type\":9,\"timestamp\":1}}]\n[\"a\",\"not an event\"]\n"
        );
        let (_, rec) = read(input.as_bytes()).unwrap();
        let windows: Vec<_> = rec
            .windows
            .iter()
            .map(|w| (w.id.as_str(), w.events.len()))
            .collect();
        assert_eq!(windows, [("a", 2), ("b\"c\\", 2), ("12", 2), ("1500.0", 2)]);
        assert_eq!(
            rec.warnings,
            [
                "skipped 2 entries that are not rrweb events (an rrweb event is an object with a \"type\" from 0 to 6 and a numeric \"timestamp\")"
            ]
        );
    }

    #[test]
    fn refuses_lines_that_are_none_of_the_shapes() {
        let err = format!("{:#}", read(b"{\"a\":1}\n{\"b\":2}\n").unwrap_err());
        assert!(
            err.contains("none is a snapshot line (line 1 is not a snapshot line"),
            "{err}"
        );
    }

    #[test]
    fn reads_a_single_line() {
        let input = format!("[\"a\",{SNAPSHOT}]");
        let (format, _) = read(input.as_bytes()).unwrap();
        assert_eq!(format, Format::SnapshotLines);
    }
}
