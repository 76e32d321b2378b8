//! Sharing: clips (`--from`, `--to`) and notes (`--note`, `--notes`). A clip holds only the
//! stretch asked for, starts at its `--from` and ends showing what the whole recording shows at
//! its `--to` (in the browser); notes are markers and rows of their own, escaped; both survive
//! extract and bundle again byte for byte.

mod common;
#[path = "support/posthog_server.rs"]
#[allow(dead_code)]
mod posthog_server;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use common::{
    assert_plays_cleanly, browser_available, bundle_with, drive, fixture, page_contents, run,
    run_ok, stderr,
};

fn real() -> PathBuf {
    fixture("real/export-2023-04-28-uuid-windows.json")
}

/// One window's events: a paragraph whose text is `"{name}: {i}"` at second `i`, from `first`
/// to `last`, with a full snapshot at `first` and at each of `snapshots`, and a click and a
/// console message each second.
fn window(name: &str, first: u64, last: u64, snapshots: &[u64]) -> Vec<Value> {
    let snapshot = |i: u64| {
        let text = json!({"type": 3, "textContent": format!("{name}: {i}"), "id": 5});
        let p = json!({"type": 2, "tagName": "p", "attributes": {}, "childNodes": [text], "id": 4});
        let body =
            json!({"type": 2, "tagName": "body", "attributes": {}, "childNodes": [p], "id": 3});
        let html =
            json!({"type": 2, "tagName": "html", "attributes": {}, "childNodes": [body], "id": 2});
        vec![
            json!({"type": 4, "data": {"href": format!("https://{name}.test/"), "width": 800, "height": 600}, "timestamp": i * 1000, "windowId": name}),
            json!({"type": 2, "data": {"node": {"type": 0, "childNodes": [html], "id": 1}, "initialOffset": {"left": 0, "top": 0}}, "timestamp": i * 1000, "windowId": name}),
        ]
    };
    let mut events = snapshot(first);
    for i in first + 1..=last {
        let t = i * 1000;
        events.push(json!({"type": 3, "data": {"source": 2, "type": 2, "id": 4, "x": 1, "y": 1}, "timestamp": t - 500, "windowId": name}));
        events.push(json!({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": "log", "payload": [format!("\"{name} log {i}\"")], "trace": []}}, "timestamp": t - 400, "windowId": name}));
        events.push(json!({"type": 3, "data": {"source": 0, "texts": [{"id": 5, "value": format!("{name}: {i}")}], "attributes": [], "removes": [], "adds": []}, "timestamp": t, "windowId": name}));
        if snapshots.contains(&i) {
            events.extend(snapshot(i));
        }
    }
    events
}

/// Windows: A from 0 to 20 s with a second snapshot at 10 s; B from 12 to 18 s; C from 0 to
/// 2 s (it ends before any clip below starts).
fn windows_recording(dir: &Path) -> PathBuf {
    let mut events = window("A", 0, 20, &[10]);
    events.extend(window("B", 12, 18, &[]));
    events.extend(window("C", 0, 2, &[]));
    let path = dir.join("windows.json");
    fs::write(&path, serde_json::to_string(&events).unwrap()).unwrap();
    path
}

fn bundle_page(
    input: &Path,
    dir: &Path,
    name: &str,
    extra: &[&str],
) -> (PathBuf, Value, Vec<Vec<Value>>) {
    let page = dir.join(name);
    bundle_with(&[input], &page, extra);
    let (summary, windows) = page_contents(&fs::read_to_string(&page).unwrap());
    let windows = windows
        .iter()
        .map(|w| serde_json::from_str(w).unwrap())
        .collect();
    (page, summary, windows)
}

fn inspect(path: &Path) -> Value {
    let out = run_ok(&["inspect", "--json", path.to_str().unwrap()]);
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["recordings"][0].clone()
}

fn texts(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| {
            e.pointer("/data/texts/0/value")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect()
}

#[test]
fn a_clip_holds_only_its_stretch_from_the_last_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let input = windows_recording(dir.path());
    let (page, summary, windows) = bundle_page(
        &input,
        dir.path(),
        "clip.html",
        &["--from", "13", "--to", "0:16"],
    );
    assert_eq!(summary["duration"], 3000.0);
    assert_eq!(
        summary["clip"],
        json!({"from": 13000.0, "to": 16000.0, "sessionStart": 0.0, "sessionDuration": 20000.0})
    );
    // C ended before the clip: it is left out. A and B are kept.
    let ids: Vec<&str> = summary["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A", "B"]);
    let a = &windows[0];
    // A starts from its snapshot at 10 s, moved to 13 s; its changes from 11 to 13 s are kept
    // (moved to 13 s), its clicks and console messages before 13 s are not; nothing after 16 s.
    assert_eq!(a[0]["type"], 4);
    assert_eq!(a[1]["type"], 2);
    assert!(
        a.iter().all(|e| e["timestamp"].as_f64().unwrap() >= 13000.0
            && e["timestamp"].as_f64().unwrap() <= 16000.0),
        "{a:?}"
    );
    // The changes of 16 s itself are not: the whole shows the moment 16 s before them.
    assert_eq!(texts(a), ["A: 11", "A: 12", "A: 13", "A: 14", "A: 15"]);
    let logs: Vec<&Value> = a.iter().filter(|e| e["type"] == 6).collect();
    assert_eq!(
        logs.len(),
        3,
        "the console messages of 13.6, 14.6 and 15.6 s: {logs:?}"
    );
    let everything = fs::read_to_string(&page).unwrap();
    assert!(!everything.contains("A log 12"));
    // B's window starts inside the clip: it is there from its own start.
    assert_eq!(summary["windows"][1]["start"], 0.0);
    assert_eq!(texts(&windows[1]), ["B: 13", "B: 14", "B: 15"]);
    // inspect tells the clip and the session it was cut from.
    let report = inspect(&page);
    assert_eq!(report["duration_ms"], 3000);
    assert_eq!(report["clip"]["session_duration_ms"], 20000);
    assert_eq!(report["clip"]["from"], 13000.0);
    let text = String::from_utf8(run_ok(&["inspect", page.to_str().unwrap()]).stdout).unwrap();
    assert!(text.contains("clip: 0:03 of 0:20, from 0:13"), "{text}");
}

#[test]
fn clip_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let input = windows_recording(dir.path());
    // Exactly on A's second snapshot: nothing of A from before it.
    let (_, summary, windows) = bundle_page(
        &input,
        dir.path(),
        "on.html",
        &["--from", "10", "--to", "12"],
    );
    assert_eq!(summary["duration"], 2000.0);
    assert_eq!(texts(&windows[0]), ["A: 11"]);
    // From the start, and to the end: the whole, with its markers.
    let (_, summary, _) = bundle_page(&input, dir.path(), "to.html", &["--to", "1"]);
    assert_eq!(summary["duration"], 1000.0);
    assert_eq!(summary["clip"]["from"], 0.0);
    let (_, summary, _) = bundle_page(&input, dir.path(), "from.html", &["--from", "19.5"]);
    assert_eq!(summary["duration"], 500.0);
    let ids: Vec<&str> = summary["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A"], "B ended at 18 s and is not on screen at 19.5 s");
    // Outside the recording, or backwards: one sentence with the recording's duration.
    let input = input.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--from", "21"],
            "--from 0:21 is after the recording's end (it lasts 0:20)",
        ),
        (
            vec!["--to", "1:00"],
            "--to 1:00 is after the recording's end (it lasts 0:20)",
        ),
        (
            vec!["--from", "5", "--to", "4"],
            "--from 0:05 is not before --to 0:04 (the recording lasts 0:20)",
        ),
    ] {
        let out_path = dir.path().join("bad.html");
        let mut all = vec!["bundle", input, "-o", out_path.to_str().unwrap()];
        all.extend(args);
        let out = run(&all);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
        assert!(!out_path.exists());
    }
}

#[test]
fn a_clip_round_trips_with_notes_and_redaction_and_is_small() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--from",
        "5",
        "--to",
        "15",
        "--note",
        "8",
        "pays twice",
        "--mask-text",
        "--strip-person",
    ];
    let (page, summary, _) = bundle_page(&real(), dir.path(), "clip.html", &args);
    assert_eq!(summary["duration"], 10000.0);
    let html = fs::read_to_string(&page).unwrap();
    assert!(!html.contains("Ada Lovelace"));
    let export = dir.path().join("clip.json");
    run_ok(&[
        "extract",
        page.to_str().unwrap(),
        "-o",
        export.to_str().unwrap(),
    ]);
    let export_text = fs::read_to_string(&export).unwrap();
    assert!(export_text.contains("replay-html/note") && export_text.contains("replay-html/clip"));
    let again = dir.path().join("again.html");
    bundle_with(&[&export], &again, &[]);
    assert!(
        fs::read(&page).unwrap() == fs::read(&again).unwrap(),
        "bundle -> extract -> bundle gives the same page"
    );
    let report = inspect(&again);
    assert_eq!(
        report["notes"],
        json!([{"t": 3000.0, "text": "pays twice"}])
    );
    let whole = dir.path().join("whole.html");
    bundle_with(&[real()], &whole, &[]);
    assert!(fs::metadata(&page).unwrap().len() < fs::metadata(&whole).unwrap().len());
}

#[test]
fn notes_from_files_and_notes_outside_are_errors_naming_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("notes.csv");
    fs::write(&csv, "time,text\n0:02,\"first, with a comma\"\n4,second\n").unwrap();
    let jsonf = dir.path().join("notes.json");
    fs::write(&jsonf, r#"[{"t": "0:06", "text": "third"}]"#).unwrap();
    let (page, summary, _) = bundle_page(
        &real(),
        dir.path(),
        "notes.html",
        &[
            "--notes",
            csv.to_str().unwrap(),
            "--notes",
            jsonf.to_str().unwrap(),
        ],
    );
    let _ = page;
    let notes: Vec<(f64, &str)> = summary["markers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "note")
        .map(|m| (m["t"].as_f64().unwrap(), m["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        notes,
        [
            (2000.0, "first, with a comma"),
            (4000.0, "second"),
            (6000.0, "third")
        ]
    );
    let out = run(&[
        "bundle",
        real().to_str().unwrap(),
        "-o",
        dir.path().join("x.html").to_str().unwrap(),
        "--note",
        "0:30",
        "too late",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out)
            .contains("the note \"too late\" at 0:30 is outside the recording (0:00 to 0:16)"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "bundle",
        real().to_str().unwrap(),
        "-o",
        dir.path().join("x.html").to_str().unwrap(),
        "--from",
        "5",
        "--note",
        "0:02",
        "before",
    ]);
    assert!(
        stderr(&out).contains("the note \"before\" at 0:02 is outside the clip (0:05 to 0:16)"),
        "{}",
        stderr(&out)
    );
}

/// `--out-dir`: every page of a batch is the clip, with the notes, as `-o` makes it; a rerun
/// with the same clip and notes skips the pages, and a changed `--from`, `--to` or note makes
/// them again (the page fingerprint holds them).
#[test]
fn clips_and_notes_in_a_batch_and_its_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    fs::create_dir(&inputs).unwrap();
    fs::copy(real(), inputs.join("real.json")).unwrap();
    fs::copy(windows_recording(dir.path()), inputs.join("windows.json")).unwrap();
    let out = dir.path().join("pages");
    let batch = |extra: &[&str]| {
        let mut args = vec![
            "bundle",
            "--out-dir",
            out.to_str().unwrap(),
            inputs.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        stderr(&run_ok(&args))
    };
    let clip = ["--from", "5", "--to", "0:15", "--note", "8", "pays twice"];
    assert!(batch(&clip).contains("made 2, skipped 0"));
    for name in ["real", "windows"] {
        let page = out.join(format!("{name}.html"));
        let single = dir.path().join(format!("{name}-single.html"));
        bundle_with(&[inputs.join(format!("{name}.json"))], &single, &clip);
        let (batch_summary, batch_windows) = page_contents(&fs::read_to_string(&page).unwrap());
        let (single_summary, single_windows) = page_contents(&fs::read_to_string(&single).unwrap());
        assert_eq!(batch_summary, single_summary, "{name}");
        assert_eq!(batch_windows, single_windows, "{name}");
        assert_eq!(batch_summary["duration"], 10000.0);
        assert_eq!(
            inspect(&page)["notes"],
            json!([{"t": 3000.0, "text": "pays twice"}])
        );
    }
    assert!(batch(&clip).contains("made 0, skipped 2"));
    for changed in [
        ["--from", "6", "--to", "0:15", "--note", "8", "pays twice"],
        ["--from", "6", "--to", "0:14", "--note", "8", "pays twice"],
        ["--from", "6", "--to", "0:14", "--note", "9", "pays twice"],
        ["--from", "6", "--to", "0:14", "--note", "9", "pays thrice"],
    ] {
        assert!(batch(&changed).contains("made 2, skipped 0"), "{changed:?}");
        assert!(batch(&changed).contains("made 0, skipped 2"), "{changed:?}");
    }
}

/// A PostHog replay URL takes a clip and notes as a file does: the same page, but for the
/// link back to PostHog.
#[test]
fn a_clip_with_notes_of_a_posthog_url_is_the_clip_of_its_export() {
    use posthog_server::{KEY, PROJECT, StandIn};
    let expected = common::expected();
    let id = expected["sessionId"].as_str().unwrap().to_owned();
    let server = StandIn::start(vec![posthog_server::Recording::real(&id)]);
    let dir = tempfile::tempdir().unwrap();
    let clip = [
        "--from",
        "5",
        "--to",
        "15",
        "--note",
        "8",
        "pays twice",
        "--mask-text",
    ];
    let from_api = dir.path().join("api.html");
    let url = format!("{}/project/{PROJECT}/replay/{id}", server.base);
    let mut args = vec!["bundle", &url, "-o", from_api.to_str().unwrap()];
    args.extend_from_slice(&clip);
    let output = common::replay_html(&args)
        .env("POSTHOG_API_KEY", KEY)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let from_file = dir.path().join("file.html");
    bundle_with(&[real()], &from_file, &clip);
    let (mut api_summary, api_windows) = page_contents(&fs::read_to_string(&from_api).unwrap());
    let (file_summary, file_windows) = page_contents(&fs::read_to_string(&from_file).unwrap());
    assert_eq!(api_summary["link"], url.as_str());
    api_summary.as_object_mut().unwrap().remove("link");
    assert_eq!(api_summary, file_summary);
    assert_eq!(api_windows, file_windows);
    assert_eq!(api_summary["duration"], 10000.0);
    assert_eq!(
        inspect(&from_api)["notes"],
        json!([{"t": 3000.0, "text": "pays twice"}])
    );
}

/// In Chromium: the clip opens on the page as the whole recording shows it at `--from` (a
/// millisecond in), and
/// ends on what the whole shows at `--to`, in every window.
#[test]
fn in_the_browser_a_clip_starts_and_ends_as_the_whole_does() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (input, from, to) in [
        (real(), 5000, 15000),
        (windows_recording(dir.path()), 13000, 16000),
        (windows_recording(dir.path()), 10000, 12000),
        (windows_recording(dir.path()), 2000, 20000),
        (fixture("mobile/android-diffs.jsonl"), 2000, 6000),
    ] {
        let whole = dir.path().join("whole.html");
        bundle_with(&[&input], &whole, &[]);
        let clip = dir.path().join("clip.html");
        let (f, t) = ((from / 1000).to_string(), (to / 1000).to_string());
        bundle_with(&[&input], &clip, &["--from", &f, "--to", &t]);
        // A millisecond in: the page shows a moment before the events of that very moment.
        for (clip_report, at_from, at_to) in drive(&clip, &["--at", "1"])
            .into_iter()
            .zip(drive(&whole, &["--at", &(from + 1).to_string()]))
            .zip(drive(&whole, &["--at", &to.to_string()]))
            .map(|((c, f), t)| (c, f, t))
        {
            assert_plays_cleanly(&clip_report);
            assert_eq!(clip_report["duration"], (to - from) as f64);
            for (id, text) in clip_report["atEnd"].as_object().unwrap() {
                assert_eq!(
                    text, &at_to["atMoment"][id],
                    "window {id} at the clip's end ({input:?} {from}..{to})"
                );
                assert_eq!(
                    &clip_report["atMoment"][id], &at_from["atMoment"][id],
                    "window {id} at the clip's start ({input:?} {from}..{to})"
                );
            }
        }
    }
}

/// In Chromium: notes are markers of their own with their text (escaped), listed first in a
/// Notes tab, and the clip says what it is in the header.
#[test]
fn in_the_browser_notes_are_markers_and_a_tab_and_the_header_tells_the_clip() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hostile = "<img src=x onerror=alert(1)> pays twice";
    let page = dir.path().join("notes.html");
    bundle_with(
        &[real()],
        &page,
        &["--from", "5", "--to", "15", "--note", "8", hostile],
    );
    for report in drive(&page, &["--inspector"]) {
        assert_plays_cleanly(&report);
        let top = &report["topDocument"];
        assert_eq!(top["images"], 0, "the note's markup is text: {top}");
        let markers: Vec<&str> = top["markers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert!(
            markers.contains(&format!("Note at 0:03, window 1: {hostile}").as_str()),
            "{markers:?}"
        );
        let inspector = top["inspector"].as_str().unwrap();
        let notes_at = inspector.find("Notes").expect("a Notes tab");
        assert!(
            notes_at < inspector.find("Console").unwrap(),
            "the Notes tab comes first"
        );
        assert!(inspector.contains(hostile), "{inspector}");
        let text = top["text"].as_str().unwrap();
        assert!(text.contains("Clip\n0:10 of 0:16, from 0:05"), "{text}");
    }
}
