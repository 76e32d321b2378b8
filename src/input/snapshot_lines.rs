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

/// About how much line text is read at a time ([`read`]).
const BLOCK_BYTES: usize = 1 << 20;

/// Reads JSONL text. Lines are read on all cores, a block of them at a time, and each block is
/// filed into the recording while the next one is read: filing looks at each line's window id
/// again, and finds it still in the processor's cache rather than in memory.
pub fn read(text: &str) -> Result<Recording<'_>> {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    let mut blocks = blocks(&lines, BLOCK_BYTES).map(|block| {
        block
            .par_iter()
            .map(|&(number, line)| (number, read_line(line)))
            .collect::<Vec<_>>()
    });
    let mut builder = RecordingBuilder::new();
    let mut event_lines = 0;
    let mut bad_lines = Vec::new();
    let mut block = blocks.next();
    while let Some(read) = block {
        let ((), next) = rayon::join(
            || {
                for (number, line) in read {
                    match line {
                        ReadLine::Events(under, events) => {
                            event_lines += 1;
                            for event in events {
                                builder.file(event, under);
                            }
                        }
                        ReadLine::NotSnapshot => {
                            bad_lines.push(format!("line {number} is not a snapshot line"))
                        }
                        ReadLine::NotJson(err) => {
                            bad_lines.push(format!("line {number} is not valid JSON ({err})"))
                        }
                    }
                }
            },
            || blocks.next(),
        );
        block = next;
    }
    if event_lines == 0 {
        match bad_lines.first() {
            Some(first) => bail!(
                "it has one JSON value a line, but none is a snapshot line ({first}; expected [\"window id\", event], \
                 an rrweb event, or {{\"window_id\": ..., \"data\": [events]}})"
            ),
            None => bail!("it is empty"),
        }
    }
    if let Some(first) = bad_lines.first() {
        let more = match bad_lines.len() {
            1 => String::new(),
            n => format!(" and {} more bad lines", n - 1),
        };
        builder.warn(format!("skipped {first}{more}"));
    }
    builder.finish()
}

/// The lines cut into runs of about `bytes` of text (at least one line each), in order.
fn blocks<'l, 'a>(
    lines: &'l [(usize, &'a str)],
    bytes: usize,
) -> impl Iterator<Item = &'l [(usize, &'a str)]> {
    let mut rest = lines;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut size = 0;
        let end = rest
            .iter()
            .position(|(_, line)| {
                size += line.len();
                size >= bytes
            })
            .map_or(rest.len(), |last| last + 1);
        let (block, after) = rest.split_at(end);
        rest = after;
        Some(block)
    })
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
    fn reads_and_files_a_recording_of_many_blocks_in_order() {
        // About 3 MB: three blocks and a bit, windows in runs of 7 lines, a bad line now and
        // then; every event names its line in its timestamp.
        let padding = "x".repeat(1000);
        let mut input = String::new();
        let mut expected: [Vec<f64>; 3] = Default::default();
        for n in 1..=3200usize {
            if n % 500 == 0 {
                input.push_str("not json\n");
                continue;
            }
            let window = (n / 7) % 3;
            let kind = if n <= 3 { 2 } else { 3 };
            input.push_str(&format!(
                "[\"w{window}\",{{\"type\":{kind},\"data\":{{\"node\":{{}},\"p\":\"{padding}\"}},\"timestamp\":{n}}}]\n"
            ));
            expected[window].push(n as f64);
        }
        assert!(input.len() > 3 * super::BLOCK_BYTES);
        let (_, rec) = read(input.as_bytes()).unwrap();
        for window in &rec.windows {
            let n: usize = window.id[1..].parse().unwrap();
            // Each window starts with a Meta event added before its full snapshot.
            let filed: Vec<f64> = window
                .events
                .iter()
                .filter(|e| e.kind != crate::recording::event_type::META)
                .map(|e| e.timestamp)
                .collect();
            assert!(
                filed == expected[n],
                "window {}: {} events filed, {} in the input",
                window.id,
                filed.len(),
                expected[n].len()
            );
        }
        assert!(
            rec.warnings.iter().any(|w| w
                == "skipped line 500 is not valid JSON (expected ident at line 1 column 2) and 5 more bad lines"),
            "{:?}",
            rec.warnings
        );
    }

    #[test]
    fn cuts_lines_into_blocks_of_about_a_size() {
        let lines: Vec<(usize, &str)> = [3, 3, 3, 10, 1, 1]
            .iter()
            .enumerate()
            .map(|(i, &n)| (i + 1, &"abcdefghij"[..n]))
            .collect();
        let blocks: Vec<Vec<usize>> = super::blocks(&lines, 5)
            .map(|block| block.iter().map(|(number, _)| *number).collect())
            .collect();
        assert_eq!(blocks, [vec![1, 2], vec![3, 4], vec![5, 6]]);
        assert_eq!(super::blocks(&[], 5).count(), 0);
    }

    #[test]
    fn reads_a_single_line() {
        let input = format!("[\"a\",{SNAPSHOT}]");
        let (format, _) = read(input.as_bytes()).unwrap();
        assert_eq!(format, Format::SnapshotLines);
    }
}
