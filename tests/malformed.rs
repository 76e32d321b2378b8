//! Bad input gets a clear error, or a documented recovery with a warning, and never a panic or
//! a hang. Each row of the table names an input and what must happen to it.

mod common;

use std::fs;
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use common::fixture;

/// What must happen to an input.
enum Expect {
    /// Refused; the message holds this text.
    Error(&'static str),
    /// Bundled, with a warning that holds this text.
    Warning(&'static str),
    /// Bundled without a warning.
    Clean,
}

fn real(name: &str) -> Vec<u8> {
    fs::read(fixture(&format!("real/{name}"))).unwrap()
}

fn real_events() -> Vec<Value> {
    serde_json::from_slice(&real("rrweb-events.json")).unwrap()
}

fn json_bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// A posthog-js compressed field: gzip bytes as latin-1 characters.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Real events with one extra event appended after the last.
fn real_events_with(extra: Value) -> Vec<u8> {
    let mut events = real_events();
    let last = events.last().unwrap()["timestamp"].as_f64().unwrap();
    let mut extra = extra;
    extra["timestamp"] = json!(last + 1.0);
    extra["windowId"] = events[0]["windowId"].clone();
    events.push(extra);
    json_bytes(&json!(events))
}

/// Puts a JSON text in place of the string "DEEP".
trait ReplaceDeep {
    fn replace_deep(self, with: &[u8]) -> Vec<u8>;
}

impl ReplaceDeep for Vec<u8> {
    fn replace_deep(self, with: &[u8]) -> Vec<u8> {
        let text = String::from_utf8(self).unwrap();
        text.replacen("\"DEEP\"", std::str::from_utf8(with).unwrap(), 1)
            .into_bytes()
    }
}

fn cases() -> Vec<(&'static str, Vec<u8>, Expect)> {
    use Expect::*;
    let export = real("export-2023-04-28-int-windows.json");
    let lines = String::from_utf8(real("snapshots-blob_v2.jsonl")).unwrap();
    let line_list: Vec<&str> = lines.lines().collect();
    let events = real_events();
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes();

    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(
        String::from_utf8(export.clone())
            .unwrap()
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );

    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(&export);

    let mut one_bad_line = line_list.clone();
    one_bad_line[4] = "[\"w\", {\"type\": 3, \"data\": ";
    let mut huge_line = format!("{}\n", line_list[..3].join("\n")).into_bytes();
    huge_line.extend(std::iter::repeat_n(b'x', 1 << 30));
    huge_line.extend(format!("\n{}\n", line_list[3..].join("\n")).into_bytes());

    let mut duplicated = events.clone();
    duplicated.extend(events.iter().cloned());
    let mut reversed = events.clone();
    reversed.reverse();
    let without_snapshots: Vec<Value> = events.iter().filter(|e| e["type"] != 2).cloned().collect();
    let mut some_without_timestamp = events.clone();
    some_without_timestamp[5]
        .as_object_mut()
        .unwrap()
        .remove("timestamp");
    let mut string_timestamp = events.clone();
    string_timestamp[5]["timestamp"] = json!("1700000000000");

    let lone_surrogate = String::from_utf8(real_events_with(
        json!({"type": 5, "data": {"tag": "note", "payload": "LONE"}}),
    ))
    .unwrap()
    .replace("\"LONE\"", "\"\\ud800\"")
    .into_bytes();

    // 600 MiB of zeros, compressed to well under a megabyte, in a cv field.
    let mut bomb = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..600 {
        bomb.write_all(&zeros).unwrap();
    }
    let bomb = latin1(&bomb.finish().unwrap());

    // A page of two windows, and the ways mail and chat damage one.
    let page = String::from_utf8(
        replay_html::bundle(&export, &replay_html::Options::default())
            .unwrap()
            .html,
    )
    .unwrap();
    let last_chunk = page.rfind("data-chunk=").unwrap();
    let cut_in_data = page.as_bytes()[..last_chunk + 200].to_vec();
    let cut_before_end = page.as_bytes()[..page.len() - 20].to_vec();
    // (The viewer's script, before the data, names the attribute too: the element has a value.)
    let first_chunk = page.find("data-chunk=\"0\"").unwrap();
    let end_of_first = first_chunk + page[first_chunk..].find("</script>").unwrap() + 9;
    let mut damaged = page.clone().into_bytes();
    let inside = (first_chunk + end_of_first) / 2;
    damaged[inside] = if damaged[inside] == b'a' { b'b' } else { b'a' };
    // The next chunk.
    let next_chunk = end_of_first + page[end_of_first..].find("data-chunk=").unwrap();
    let next_start = page[..next_chunk].rfind("<script").unwrap();
    let next_end = next_start + page[next_start..].find("</script>").unwrap() + 9;
    let mut chunk_left_out = page.as_bytes()[..next_start].to_vec();
    chunk_left_out.extend(&page.as_bytes()[next_end..]);
    let crlf = page.replace('\n', "\r\n").into_bytes();

    // One more event, long after the last: a stray clock, or a long idle gap.
    let one_more_after = |ms: f64| {
        let mut events = real_events();
        let last = events.last().unwrap()["timestamp"].as_f64().unwrap();
        let window = events[0]["windowId"].clone();
        events.push(json!({"type": 5, "timestamp": last + ms, "windowId": window, "data": {"tag": "late", "payload": {}}}));
        json_bytes(&json!(events))
    };
    const DAY: f64 = 86_400_000.0;

    vec![
        (
            "one event 197 days after the rest",
            one_more_after(197.0 * DAY),
            Warning("left 1 event far outside the session out of its timeline"),
        ),
        (
            "an event 20 hours after the rest (a long idle gap)",
            one_more_after(20.0 / 24.0 * DAY),
            Clean,
        ),
        (
            "PostHog's iOS fixture: a network event 2.76 days before the session",
            fs::read(fixture("mobile/posthog-encoded-snapshot-data.jsonl")).unwrap(),
            Warning("(2.8 days before the rest)"),
        ),
        ("an empty file", vec![], Error("it is empty")),
        (
            "a page cut short inside its data",
            cut_in_data,
            Error("the page is cut short or damaged"),
        ),
        (
            "a page cut short after its data",
            cut_before_end,
            Error("the page is cut short or damaged"),
        ),
        (
            "a page with a damaged byte in its data",
            damaged,
            Error("the page is cut short or damaged"),
        ),
        (
            "a page missing one of its data blocks",
            chunk_left_out,
            Error("the page is cut short or damaged"),
        ),
        ("a page saved with CRLF line endings", crlf, Clean),
        (
            "an HTML page another tool wrote",
            b"<!DOCTYPE html>\n<html><head><title>Replay</title></head><body><script>var events = [];</script></body></html>".to_vec(),
            Error("an HTML page (or other markup) that replay-html did not write"),
        ),
        ("gzip inside gzip", gzip(&gzip(&export)), Clean),
        (
            "only whitespace",
            b" \n\r\n\t  ".to_vec(),
            Error("it is empty"),
        ),
        (
            "a truncated export",
            export[..export.len() / 2].to_vec(),
            Error("cut short"),
        ),
        (
            "binary garbage",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
                .collect(),
            Error("not UTF-8"),
        ),
        ("a UTF-8 byte-order mark", bom, Clean),
        ("UTF-16 with a byte-order mark", utf16, Error("UTF-16")),
        (
            "UTF-16 without a byte-order mark",
            b"[\x00{\x00}\x00]\x00".to_vec(),
            Error("UTF-16"),
        ),
        (
            "an unknown export version",
            br#"{"version":"2030-01-01","data":{"snapshots":[]}}"#.to_vec(),
            Error("\"2030-01-01\", which this tool does not read"),
        ),
        (
            "a version that is not text",
            br#"{"version":2023,"data":{}}"#.to_vec(),
            Error("version 2023 is not one this tool reads"),
        ),
        (
            "an export without data",
            br#"{"version":"2023-04-28"}"#.to_vec(),
            Error("without its \"data\""),
        ),
        (
            "an export whose snapshots are not a list",
            br#"{"version":"2023-04-28","data":{"snapshots":{}}}"#.to_vec(),
            Error("needs a \"snapshots\" array"),
        ),
        (
            "an object of another shape",
            br#"{"hello":"world"}"#.to_vec(),
            Error("without a \"version\""),
        ),
        ("a JSON number", b"42".to_vec(), Error("not a recording")),
        ("JSON null", b"null".to_vec(), Error("not a recording")),
        (
            "a list of numbers",
            b"[1,2,3]".to_vec(),
            Error("no rrweb events"),
        ),
        ("zero events", b"[]".to_vec(), Error("no rrweb events")),
        (
            "an export with no snapshots",
            br#"{"version":"2023-04-28","data":{"snapshots":[]}}"#.to_vec(),
            Error("no rrweb events"),
        ),
        (
            "no full snapshot",
            json_bytes(&json!(without_snapshots)),
            Error("no window of the recording has a full DOM snapshot"),
        ),
        (
            "an event without a timestamp",
            json_bytes(&json!(some_without_timestamp)),
            Warning("skipped 1 entry that is not an rrweb event"),
        ),
        (
            "a timestamp that is text",
            json_bytes(&json!(string_timestamp)),
            Warning("skipped 1 entry that is not an rrweb event"),
        ),
        (
            "every event twice",
            json_bytes(&json!(duplicated)),
            Warning("dropped"),
        ),
        (
            "events in reverse order",
            json_bytes(&json!(reversed)),
            Clean,
        ),
        (
            "a cv field with a character above U+00FF",
            real_events_with(json!({"type": 2, "cv": "2024-10", "data": "\u{1f}\u{8b}\u{20ac}"})),
            Warning("above U+00FF"),
        ),
        (
            "a cv field that is not gzip",
            real_events_with(json!({"type": 2, "cv": "2024-10", "data": "plain text"})),
            Warning("not gzip data"),
        ),
        (
            "a cv field that is cut short",
            real_events_with(
                json!({"type": 2, "cv": "2024-10", "data": latin1(&gzip(b"{\"node\":{}}")[..12])}),
            ),
            Warning("not valid gzip"),
        ),
        (
            "a cv mutation that is cut short",
            real("../edge/damaged-compressed-event.json"),
            Warning("replaced 1 compressed event that could not be decompressed by a note in the replay's Events"),
        ),
        (
            "a gzip bomb in a cv field",
            real_events_with(
                json!({"type": 3, "cv": "2024-10", "data": {"source": 0, "adds": bomb}}),
            ),
            Warning("expands to more than"),
        ),
        (
            "JSON nested 100,000 deep",
            deep(100_000),
            Error("no rrweb events"),
        ),
        (
            "an event nested 100,000 deep",
            real_events_with(json!({"type": 3, "data": {"source": 0, "adds": "DEEP"}}))
                .replace_deep(&deep(100_000)),
            Warning("nested more than 512 levels deep"),
        ),
        (
            "an event nested 300 deep, deeper than serde_json's default limit",
            real_events_with(json!({"type": 3, "data": {"source": 0, "adds": "DEEP"}}))
                .replace_deep(&deep(300)),
            Clean,
        ),
        (
            "JSONL with one bad line among good ones",
            one_bad_line.join("\n").into_bytes(),
            Warning("skipped line 5 is not valid JSON"),
        ),
        (
            "JSONL whose lines are all of another shape",
            b"{\"a\":1}\n{\"b\":2}\n".to_vec(),
            Error("none is a snapshot line"),
        ),
        (
            "a 1 GB line in JSONL",
            huge_line,
            Warning("skipped line 4 is not valid JSON"),
        ),
        ("gzip-compressed input", gzip(&export), Clean),
        (
            "gzip with trailing garbage",
            [gzip(&export), b"garbage\n\x00\x01".to_vec()].concat(),
            Warning("ignored 10 bytes of trailing garbage after the gzip data"),
        ),
        (
            "gzip padded with zeros (tape blocks), which gzip -d ignores silently",
            [gzip(&export), vec![0; 512]].concat(),
            Clean,
        ),
        (
            "two gzip members (cat a.gz b.gz) then trailing garbage",
            [
                gzip(&export[..100]),
                gzip(&export[100..]),
                b"\r\n".to_vec(),
            ]
            .concat(),
            Warning("ignored 2 bytes of trailing garbage"),
        ),
        (
            "gzip-compressed input cut short",
            gzip(&export)[..2000].to_vec(),
            Error("does not decompress"),
        ),
        (
            "a bare `undefined` for the person",
            String::from_utf8(export.clone())
                .unwrap()
                .replacen("\"person\":{", "\"person\":undefined,\"was\":{", 1)
                .into_bytes(),
            Clean,
        ),
        ("a lone surrogate escape in a text", lone_surrogate, Clean),
        (
            "a lone surrogate escape in the session id",
            String::from_utf8(export.clone())
                .unwrap()
                .replacen("\"id\":\"", "\"id\":\"\\ud83d", 1)
                .into_bytes(),
            Clean,
        ),
        (
            "a lone surrogate escape in the person",
            String::from_utf8(export.clone())
                .unwrap()
                .replacen("\"person\":{", "\"person\":{\"odd\":\"\\udc00\",", 1)
                .into_bytes(),
            Clean,
        ),
    ]
}

#[test]
fn every_malformed_input_gets_its_expected_outcome() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 30, "the table holds {} rows", cases.len());
    // The table is about reading damaged input; the fixtures' planted email addresses would
    // add the personal-data warning to every clean row, so that check is left to its own tests.
    let options = replay_html::Options {
        pii: replay_html::PiiCheck::Skip,
        ..replay_html::Options::default()
    };
    for (name, input, expect) in cases {
        let outcome = replay_html::bundle(&input, &options);
        let problem = match (&expect, &outcome) {
            (Expect::Error(text), Err(err)) => {
                let message = format!("{err:#}");
                (!message.contains(text))
                    .then(|| format!("error {message:?} does not say {text:?}"))
            }
            (Expect::Warning(text), Ok(bundle)) => {
                (!bundle.warnings.iter().any(|w| w.contains(text)))
                    .then(|| format!("warnings {:?} do not say {text:?}", bundle.warnings))
            }
            (Expect::Clean, Ok(bundle)) => (!bundle.warnings.is_empty())
                .then(|| format!("unexpected warnings {:?}", bundle.warnings)),
            (_, Err(err)) => Some(format!("refused: {err:#}")),
            (_, Ok(bundle)) => Some(format!("bundled (warnings {:?})", bundle.warnings)),
        };
        if let Some(problem) = problem {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
