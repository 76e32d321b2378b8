//! The produced page in real browsers: each engine (Chromium, Firefox, WebKit; see
//! tests/browser/engines.mjs) opens it from file://, with no network, and the tests check what a
//! viewer would see.

mod common;

use common::{assert_plays_cleanly, browser_available, bundle, drive, fixture};

#[test]
fn goto_duration_shows_the_state_after_the_very_last_event() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("edge.html");
    bundle(&fixture("edge/last-event-at-end.json"), &page);
    for report in drive(&page, &[]) {
        assert_plays_cleanly(&report);
        assert_eq!(report["windows"], serde_json::json!(["A", "B"]));
        assert_eq!(
            report["initialWindow"], "A",
            "the page opens at the session's first moment, on the window active then"
        );
        assert_eq!(report["duration"], 4000.0);
        assert!(
            report["initialText"]
                .as_str()
                .unwrap()
                .contains("A: before"),
            "{report}"
        );
        // The last event changes the text at exactly the last millisecond; rrweb's own goto stops
        // one event short of it.
        assert!(
            report["atEnd"]["A"]
                .as_str()
                .unwrap()
                .contains("A: after, the very last event"),
            "{report}"
        );
        assert!(
            report["atEnd"]["B"]
                .as_str()
                .unwrap()
                .contains("B: only state"),
            "{report}"
        );
    }
}

/// Every input format of the real recording, opened as a viewer would: it plays, opens on the
/// window of the session's first moment, and each window ends showing what the recorded page
/// showed at its end.
#[test]
fn every_real_format_plays_each_window_to_its_end() {
    if !browser_available() {
        return;
    }
    let expected = common::expected();
    let uuids = common::window_uuids(&expected);
    let integers: Vec<String> = uuids
        .iter()
        .map(|u| expected["windowIntIds"][u].to_string())
        .collect();
    let final_text = |uuid: &str| -> Vec<String> {
        expected["finalText"][uuid]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let inputs = [
        ("export-2023-04-28-int-windows.json", &integers),
        ("export-2023-04-28-uuid-windows.json", &uuids),
        ("export-2023-04-28-no-id-person-undefined.json", &uuids),
        ("export-2022-12-02.json", &uuids),
        ("snapshots-blob_v2.jsonl", &uuids),
        ("snapshots-windowid-lines.jsonl", &uuids),
        ("snapshots-blob_v1.jsonl", &uuids),
        ("rrweb-events.json", &uuids),
    ];
    for (name, ids) in inputs {
        let page = dir.path().join(format!("{name}.html"));
        bundle(&fixture(&format!("real/{name}")), &page);
        for report in drive(&page, &[]) {
            let name = format!("{name} in {}", report["engine"]);
            assert_plays_cleanly(&report);
            assert_eq!(report["windows"], serde_json::json!(ids), "{name}");
            assert_eq!(
                report["initialWindow"], ids[0],
                "{name}: opens on the first window"
            );
            assert_eq!(report["duration"], expected["durationMs"], "{name}");
            for (id, uuid) in ids.iter().zip(&uuids) {
                let shown = report["atEnd"][id].as_str().unwrap_or_default();
                for text in final_text(uuid) {
                    assert!(
                        shown.contains(&text),
                        "{name}, window {id}: {text:?} not in {shown:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_example_in_the_readme_plays() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("demo.html");
    bundle(
        &common::repo().join("examples/demo-ph-recording.json"),
        &page,
    );
    for report in drive(&page, &[]) {
        assert_plays_cleanly(&report);
        assert!(
            report["atEnd"]["1"]
                .as_str()
                .unwrap()
                .contains("Receipt sent to ada@example.com"),
            "{report}"
        );
    }
}

/// A page cut short inside its data (as mail gateways and chat uploads do) ends before the
/// element that follows the data: the page says it is cut short instead of loading forever.
#[test]
fn a_page_cut_short_says_so() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("whole.html");
    bundle(&fixture("real/export-2023-04-28-uuid-windows.json"), &page);
    let html = std::fs::read(&page).unwrap();
    let text = String::from_utf8_lossy(&html);
    let cut_at = text.rfind("data-chunk=").unwrap() + 200;
    let cut = dir.path().join("cut.html");
    std::fs::write(&cut, &html[..cut_at]).unwrap();
    let script = r#"
        import { launch } from './engines.mjs';
        import { pathToFileURL } from 'node:url';
        const browser = await launch(process.argv[2]);
        const page = await browser.newPage();
        await page.goto(pathToFileURL(process.argv[1]).href);
        const message = await page.evaluate(() => document.getElementById('message')?.textContent);
        console.log(JSON.stringify({ message }));
        await page.close();
        await browser.close();
    "#;
    for engine in common::browser_engines() {
        let output = std::process::Command::new("node")
            .current_dir(common::repo().join("tests/browser"))
            .args(["--input-type=module", "-e", script])
            .arg(&cut)
            .arg(&engine)
            .output()
            .expect("node runs");
        assert!(
            output.status.success(),
            "{engine}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(
            report["message"]
                .as_str()
                .is_some_and(|m| m.contains("cut short or damaged")),
            "{engine}: {report}"
        );
    }
}

/// A posthog-js compressed event whose data is damaged is a note in the replay's Events (the
/// inspector's rows), with what was wrong, and the replay plays. (Chromium: the row comes from
/// the recording, not from the engine.)
#[test]
fn a_damaged_compressed_event_is_a_row_of_the_replays_events() {
    if !common::browser_engines().iter().any(|e| e == "chromium") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("damaged.html");
    bundle(&fixture("edge/damaged-compressed-event.json"), &page);
    let report = common::drive_in("chromium", &page, &["--inspector"]);
    assert_plays_cleanly(&report);
    let inspector = report["topDocument"]["inspector"].as_str().unwrap();
    assert!(
        inspector.contains("replay-html: damaged event"),
        "no note among the Events: {inspector}"
    );
    assert!(inspector.contains("not valid gzip data"), "{inspector}");
}

/// An event 197 days after the rest is left out of the timeline: the replay is as long as the
/// session, and it plays. (Chromium: the timeline comes from the page's summary.)
#[test]
fn an_event_far_outside_the_session_leaves_the_timeline_alone() {
    if !common::browser_engines().iter().any(|e| e == "chromium") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut events: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(fixture("real/rrweb-events.json")).unwrap()).unwrap();
    let last = events.last().unwrap()["timestamp"].as_f64().unwrap();
    let window = events[0]["windowId"].clone();
    events.push(
        serde_json::json!({"type": 5, "timestamp": last + 197.0 * 86_400_000.0,
        "windowId": window, "data": {"tag": "stray", "payload": {}}}),
    );
    let input = dir.path().join("stray.json");
    std::fs::write(&input, serde_json::to_vec(&events).unwrap()).unwrap();
    let page = dir.path().join("stray.html");
    bundle(&input, &page);
    let report = common::drive_in("chromium", &page, &["--inspector"]);
    assert_plays_cleanly(&report);
    assert_eq!(
        report["duration"],
        common::expected()["durationMs"],
        "{report}"
    );
    let inspector = report["topDocument"]["inspector"].as_str().unwrap();
    assert!(!inspector.contains("stray"), "{inspector}");
}
