//! `replay-html extract`: a page's recording back out as a PostHog export, which bundles back to
//! the very same page, whatever the input format and options.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{bundle, bundle_with, fixture, run, run_ok, stderr};

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every real input format: bundles, extracts, and bundles the export again.
const INPUTS: [&str; 7] = [
    "export-2023-04-28-int-windows.json",
    "export-2023-04-28-uuid-windows.json",
    "export-2023-04-28-no-id-person-undefined.json",
    "export-2022-12-02.json",
    "snapshots-blob_v2.jsonl",
    "snapshots-decompress-false.bin",
    "rrweb-events.json",
];

/// Options that change what the page carries.
const OPTION_SETS: [&[&str]; 6] = [
    &[],
    &["--title", "Ticket 4711", "--offline"],
    &[
        "--embed",
        "--autoplay",
        "--speed",
        "2",
        "--start",
        "5",
        "--theme",
        "dark",
        "--inspector",
        "closed",
        "--no-skip-inactive",
    ],
    &[
        "--strip-console",
        "--strip-network-bodies",
        "--strip-person",
    ],
    &["--strip-network", "--mask-inputs", "--mask-text"],
    &["--mask-selector", "form", "--mask-selector", "#thanks"],
];

/// Bundles `input` with `options` in `dir`, extracts the page's export and bundles that with
/// the same options: the two pages must be the same bytes.
fn assert_round_trips(dir: &Path, input: &Path, options: &[&str]) {
    let (first, export, second) = (
        dir.join("first.html"),
        dir.join("export.json"),
        dir.join("second.html"),
    );
    bundle_with(&[input], &first, options);
    run_ok(&["extract", path(&first), "-o", path(&export)]);
    bundle_with(&[&export], &second, options);
    assert!(
        fs::read(&first).unwrap() == fs::read(&second).unwrap(),
        "{} with {options:?}: the page of the extracted export differs",
        input.display()
    );
}

#[test]
fn bundling_the_extracted_export_gives_the_same_page() {
    let dir = tempfile::tempdir().unwrap();
    for name in INPUTS {
        for options in OPTION_SETS {
            assert_round_trips(dir.path(), &fixture(&format!("real/{name}")), options);
        }
    }
}

/// The capture requests of one session, bundled together, round-trip too.
#[test]
fn a_page_of_capture_requests_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    assert_round_trips(dir.path(), &fixture("real/capture/*.body"), &[]);
}

#[test]
fn the_export_is_what_posthogs_load_from_file_takes() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    bundle(&fixture("real/snapshots-blob_v2.jsonl"), &page);
    let export_path = dir.path().join("export.json");
    run_ok(&["extract", path(&page), "-o", path(&export_path)]);
    let export: Value = serde_json::from_slice(&fs::read(&export_path).unwrap()).unwrap();
    assert_eq!(export["version"], "2023-04-28");
    let expected = common::expected();
    let uuids = common::window_uuids(&expected);
    let snapshots = export["data"]["snapshots"].as_array().unwrap();
    assert_eq!(
        snapshots.len() as u64,
        expected["eventCount"].as_u64().unwrap()
    );
    let timestamps: Vec<f64> = snapshots
        .iter()
        .map(|e| e["timestamp"].as_f64().unwrap())
        .collect();
    assert!(
        timestamps.windows(2).all(|t| t[0] <= t[1]),
        "snapshots in time order"
    );
    // Compressed events are expanded, and each event names its window.
    for event in snapshots {
        assert!(event.get("cv").is_none());
        let window = event["windowId"].as_str().unwrap();
        assert!(uuids.iter().any(|w| w == window));
    }
    // The same events as the export posthog-js's session gave PostHog.
    let original: Value = serde_json::from_slice(
        &fs::read(fixture("real/export-2023-04-28-uuid-windows.json")).unwrap(),
    )
    .unwrap();
    let without_window = |events: &Vec<Value>| -> Vec<Value> {
        let mut events: Vec<Value> = events
            .iter()
            .map(|e| {
                let mut e = e.clone();
                e.as_object_mut().unwrap().remove("windowId");
                e
            })
            .collect();
        events.sort_by_key(|e| e.to_string());
        events
    };
    assert_eq!(
        without_window(snapshots),
        without_window(original["data"]["snapshots"].as_array().unwrap())
    );
}

#[test]
fn without_o_it_writes_posthogs_own_file_name_and_never_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    bundle(&fixture("real/export-2023-04-28-uuid-windows.json"), &page);
    let output = common::replay_html(&["extract", "page.html"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        dir.path()
            .join("export-01a20384-0938-75f7-a5c4-807abbf7900f-ph-recording.json")
            .exists()
    );
    let export = dir.path().join("export.json");
    fs::copy(fixture("real/export-2023-04-28-uuid-windows.json"), &export).unwrap();
    let output = run(&["extract", path(&export), "-o", path(&export)]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("is the input itself"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_collection_gives_each_recording_by_id_or_number_or_all_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("review.html");
    let edge = fixture("edge/last-event-at-end.json");
    bundle_with(
        &[fixture("real/export-2023-04-28-uuid-windows.json"), edge],
        &page,
        &[],
    );
    let output = run(&["extract", path(&page)]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("holds 2 recordings (01a20384-0938-75f7-a5c4-807abbf7900f, 2)"),
        "{}",
        stderr(&output)
    );

    let one = dir.path().join("one.json");
    run_ok(&[
        "extract",
        path(&page),
        "--recording",
        "01a20384-0938-75f7-a5c4-807abbf7900f",
        "-o",
        path(&one),
    ]);
    let export: Value = serde_json::from_slice(&fs::read(&one).unwrap()).unwrap();
    assert_eq!(export["data"]["id"], "01a20384-0938-75f7-a5c4-807abbf7900f");
    run_ok(&["extract", path(&page), "--recording", "2", "-o", path(&one)]);
    let export: Value = serde_json::from_slice(&fs::read(&one).unwrap()).unwrap();
    assert_eq!(export["data"]["id"], Value::Null);

    let all = dir.path().join("all");
    run_ok(&["extract", path(&page), "--out-dir", path(&all)]);
    let mut names: Vec<String> = fs::read_dir(&all)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "export-01a20384-0938-75f7-a5c4-807abbf7900f-ph-recording.json",
            "export-recording-2-ph-recording.json"
        ]
    );

    // The collection bundles back to the same page from its exports.
    let again = dir.path().join("again.html");
    let exports: Vec<PathBuf> = names.iter().map(|n| all.join(n)).collect();
    bundle_with(&exports, &again, &[]);
    assert!(fs::read(&page).unwrap() == fs::read(&again).unwrap());
}

/// Events whose `windowId` is `null` (plain and posthog-js compressed ones) are exported with
/// one `windowId` each, never a duplicate key, and the export bundles again.
#[test]
fn a_null_window_id_is_never_written_twice() {
    let dir = tempfile::tempdir().unwrap();
    let lines = fs::read_to_string(fixture("real/snapshots-blob_v2.jsonl")).unwrap();
    let with_null: Vec<String> = lines
        .split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut entry: Value = serde_json::from_str(line).unwrap();
            entry[1]["windowId"] = Value::Null;
            entry.to_string()
        })
        .collect();
    let input = dir.path().join("null-windows.jsonl");
    fs::write(&input, with_null.join("\n")).unwrap();
    let export = dir.path().join("export.json");
    run_ok(&["extract", path(&input), "-o", path(&export)]);
    let text = fs::read_to_string(&export).unwrap();
    assert!(
        !text.contains("\"windowId\":null"),
        "a null windowId is left in the export"
    );
    bundle(&export, &dir.path().join("again.html"));
}

/// A damaged compressed event is a note in the recording itself: `inspect` counts it, `extract`
/// writes it, and the page of the extracted export is the same page.
#[test]
fn a_damaged_compressed_event_is_a_note_that_inspect_and_extract_show() {
    let dir = tempfile::tempdir().unwrap();
    // The real recording with one compressed mutation after its end, its gzip data cut short.
    let input = fixture("edge/damaged-compressed-event.json");

    let out = run_ok(&["inspect", "--json", path(&input)]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let recording = &report["recordings"][0];
    assert_eq!(
        recording["custom_by_tag"]["replay-html: damaged event"], 1,
        "{recording}"
    );
    assert!(
        recording["problems"].as_array().unwrap().iter().any(|p| p
            .as_str()
            .unwrap()
            .contains("replaced 1 compressed event that could not be decompressed by a note")),
        "{recording}"
    );

    let export = dir.path().join("export.json");
    run_ok(&["extract", path(&input), "-o", path(&export)]);
    let snapshots: Value = serde_json::from_slice(&fs::read(&export).unwrap()).unwrap();
    let notes: Vec<&Value> = snapshots["data"]["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["data"]["tag"] == "replay-html: damaged event")
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["type"], 5);
    assert_eq!(notes[0]["data"]["payload"]["type"], 3, "{}", notes[0]);
    assert!(
        notes[0]["data"]["payload"]["problem"]
            .as_str()
            .unwrap()
            .contains("not valid gzip"),
        "{}",
        notes[0]
    );

    // The input's page, and the page of its export, are the same bytes; and so for the page's
    // own export.
    let (page, again) = (dir.path().join("page.html"), dir.path().join("again.html"));
    bundle(&input, &page);
    bundle(&export, &again);
    assert!(fs::read(&page).unwrap() == fs::read(&again).unwrap());
    assert_round_trips(dir.path(), &input, &[]);
}

/// The real recording with one custom event `after` ms after its last event.
fn real_events_and_one_more(after: f64) -> Vec<u8> {
    let mut events: Vec<Value> =
        serde_json::from_slice(&fs::read(fixture("real/rrweb-events.json")).unwrap()).unwrap();
    let last = events.last().unwrap()["timestamp"].as_f64().unwrap();
    let window = events[0]["windowId"].clone();
    events.push(serde_json::json!({
        "type": 5, "timestamp": last + after, "windowId": window,
        "data": {"tag": "stray", "payload": {"clock": "wrong"}},
    }));
    serde_json::to_vec(&events).unwrap()
}

fn inspect_json(input: &Path) -> Value {
    let out = run_ok(&["inspect", "--json", path(input)]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["recordings"][0].clone()
}

fn says(recording: &Value, text: &str) -> bool {
    recording["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p.as_str().unwrap().contains(text))
}

/// One event 197 days after the rest (as rrweb's own test data has) is left out of the
/// timeline, with a warning that names it, and stays in the export and the page's data: the
/// round trip is still the same page.
#[test]
fn an_event_far_outside_the_session_is_left_out_of_the_timeline_and_kept() {
    const DAY: f64 = 86_400_000.0;
    let dir = tempfile::tempdir().unwrap();
    let expected = common::expected();
    let input = dir.path().join("stray.json");
    fs::write(&input, real_events_and_one_more(197.0 * DAY)).unwrap();

    let recording = inspect_json(&input);
    assert_eq!(
        recording["duration_ms"], expected["durationMs"],
        "{recording}"
    );
    assert!(
        says(
            &recording,
            "left 1 event far outside the session out of its timeline"
        ) && says(&recording, "a custom event of window")
            && says(&recording, "(197 days after the rest)"),
        "{recording}"
    );
    assert_eq!(recording["custom_by_tag"].get("stray"), None, "{recording}");

    let has_stray = |export: &Path| {
        let export: Value = serde_json::from_slice(&fs::read(export).unwrap()).unwrap();
        export["data"]["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["data"]["tag"] == "stray")
    };
    let (export, page, from_page) = (
        dir.path().join("export.json"),
        dir.path().join("page.html"),
        dir.path().join("from-page.json"),
    );
    run_ok(&["extract", path(&input), "-o", path(&export)]);
    assert!(has_stray(&export), "extract keeps the event");
    bundle(&input, &page);
    run_ok(&["extract", path(&page), "-o", path(&from_page)]);
    assert!(has_stray(&from_page), "the page keeps the event");
    let page_recording = inspect_json(&page);
    assert_eq!(page_recording["duration_ms"], expected["durationMs"]);
    for options in [&[][..], &["--strip-console", "--mask-text"]] {
        assert_round_trips(dir.path(), &input, options);
    }

    // PostHog's iOS fixture: a network event 2.76 days before a Meta and a full snapshot.
    let ios = inspect_json(&fixture("mobile/posthog-encoded-snapshot-data.jsonl"));
    assert_eq!(ios["duration_ms"], 0, "{ios}");
    assert!(
        says(&ios, "a plugin event of window") && says(&ios, "(2.8 days before the rest)"),
        "{ios}"
    );
    assert_round_trips(
        dir.path(),
        &fixture("mobile/posthog-encoded-snapshot-data.jsonl"),
        &[],
    );
}

/// A long idle gap in an ordinary session is not an outlier: 20 hours away, then one more
/// event, is all on the timeline.
#[test]
fn a_long_idle_gap_stays_on_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let expected = common::expected();
    let input = dir.path().join("idle.json");
    let gap = 20.0 * 3_600_000.0;
    fs::write(&input, real_events_and_one_more(gap)).unwrap();
    let recording = inspect_json(&input);
    assert_eq!(
        recording["duration_ms"].as_f64().unwrap(),
        expected["durationMs"].as_f64().unwrap() + gap,
        "{recording}"
    );
    assert!(!says(&recording, "far outside"), "{recording}");
    assert_eq!(recording["custom_by_tag"]["stray"], 1, "{recording}");
}
