//! The viewer's features in each browser engine (Chromium, Firefox, WebKit), on pages made from
//! the committed real recording: `tests/browser/viewer.mjs` drives each page as a reader would
//! and checks what it shows against `tests/fixtures/real/expected.json`. Each test here runs,
//! per engine, one browser for a group of scenarios and reports every scenario that failed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::RwLock;

use serde_json::{Value, json};

use common::{browser_available, browser_engines, bundle_with, fixture, repo, stderr};

/// The real recording, as PostHog exports it (integer window ids: "1", "2").
fn real() -> PathBuf {
    fixture("real/export-2023-04-28-int-windows.json")
}

/// Bundles inputs into `dir/name.html` with extra options.
fn page(dir: &Path, name: &str, inputs: &[PathBuf], options: &[&str]) -> PathBuf {
    let out = dir.join(format!("{name}.html"));
    bundle_with(inputs, &out, options);
    out
}

/// A recording of one window at `href`, written to `dir/name.json`: a paragraph whose text
/// changes `steps` times, one a second, each time to about 2 kB of text and the last time to
/// "the very end"; with `snapshot_every`, a full snapshot every that many steps besides (but
/// not at the last), each showing the text of its moment.
fn changing_text(
    dir: &Path,
    name: &str,
    href: &str,
    steps: u64,
    snapshot_every: Option<u64>,
) -> PathBuf {
    let text = |i: u64| match i {
        0 => "the start".to_owned(),
        i if i == steps => "the very end".to_owned(),
        i => format!("step {i} {}", "lorem ipsum dolor sit amet ".repeat(80)),
    };
    let snapshot = |i: u64| {
        let text_node = json!({"type": 3, "textContent": text(i), "id": 5});
        let paragraph = json!({"type": 2, "tagName": "p", "attributes": {}, "childNodes": [text_node], "id": 4});
        let body = json!({"type": 2, "tagName": "body", "attributes": {}, "childNodes": [paragraph], "id": 3});
        let html =
            json!({"type": 2, "tagName": "html", "attributes": {}, "childNodes": [body], "id": 2});
        vec![
            json!({"type": 4, "data": {"href": href, "width": 800, "height": 600}, "timestamp": i * 1000}),
            json!({"type": 2, "data": {"node": {"type": 0, "childNodes": [html], "id": 1}, "initialOffset": {"left": 0, "top": 0}}, "timestamp": i * 1000}),
        ]
    };
    let mut events = snapshot(0);
    for i in 1..=steps {
        events.push(json!({"type": 3, "data": {"source": 0, "texts": [{"id": 5, "value": text(i)}], "attributes": [], "removes": [], "adds": []}, "timestamp": i * 1000}));
        if snapshot_every.is_some_and(|every| i % every == 0) && i < steps {
            events.extend(snapshot(i));
        }
    }
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(&events).unwrap()).unwrap();
    path
}

/// A recording large enough to come in many chunks (about 20 MB of events, in one window): a
/// paragraph whose text changes 10000 times, one a second, the last time to "the very end".
fn long_recording(dir: &Path) -> PathBuf {
    changing_text(dir, "long", "https://long.test/", 10_000, None)
}

/// A recording with a full snapshot every 1000 s (about 12 MB of events, in one window): a
/// paragraph whose text changes 6000 times, one a second, the last time to "the very end";
/// each snapshot shows the text of its moment.
fn snapshots_recording(dir: &Path) -> PathBuf {
    changing_text(
        dir,
        "snapshots",
        "https://snapshots.test/",
        6000,
        Some(1000),
    )
}

/// A long recording with a full snapshot every 400 s (about 40 MB of events, in one window, in
/// some 50 chunks): a paragraph whose text changes 20000 times, one a second, the last time to
/// "the very end"; each snapshot shows the text of its moment.
fn memory_recording(dir: &Path) -> PathBuf {
    changing_text(dir, "memory", "https://memory.test/", 20_000, Some(400))
}

/// A recording of one window, 100 s long, of a page of about 5,000 elements (a table) whose
/// cells change once a second, with `rows` console messages spread over it, each its own text
/// ("message 0" to ...; every 1000th an error): with 100,000 rows and without, the twins of
/// the inspector's scale test.
fn console_rows(dir: &Path, name: &str, rows: u64) -> PathBuf {
    let cell = |id: u64, text: String| {
        json!({"type": 2, "tagName": "td", "attributes": {}, "id": id,
               "childNodes": [{"type": 3, "textContent": text, "id": id + 1}]})
    };
    // Ids: 1 document, 2 html, 3 body, 4 table; each row an id and 4 cells of 2 ids each.
    let table_rows: Vec<_> = (0..1000u64)
        .map(|r| {
            let id = 10 + r * 10;
            let cells: Vec<_> = (0..4)
                .map(|c| cell(id + 1 + c * 2, format!("cell {r}.{c}")))
                .collect();
            json!({"type": 2, "tagName": "tr", "attributes": {}, "id": id, "childNodes": cells})
        })
        .collect();
    let table =
        json!({"type": 2, "tagName": "table", "attributes": {}, "id": 4, "childNodes": table_rows});
    let body =
        json!({"type": 2, "tagName": "body", "attributes": {}, "childNodes": [table], "id": 3});
    let html =
        json!({"type": 2, "tagName": "html", "attributes": {}, "childNodes": [body], "id": 2});
    let mut events = vec![
        json!({"type": 4, "data": {"href": "https://rows.test/", "width": 800, "height": 600}, "timestamp": 0}),
        json!({"type": 2, "data": {"node": {"type": 0, "childNodes": [html], "id": 1}, "initialOffset": {"left": 0, "top": 0}}, "timestamp": 0}),
    ];
    for second in 1..=100u64 {
        let texts: Vec<_> = (0..10u64)
            .map(|k| json!({"id": 10 + ((second * 10 + k) % 1000) * 10 + 2, "value": format!("changed at {second}")}))
            .collect();
        events.push(json!({"type": 3, "data": {"source": 0, "texts": texts, "attributes": [], "removes": [], "adds": []}, "timestamp": second * 1000}));
    }
    for i in 0..rows {
        let level = if i % 1000 == 999 { "error" } else { "log" };
        events.push(json!({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": level, "payload": [format!("\"message {i}\"")], "trace": []}},
            "timestamp": 1 + i * 99_000 / rows.max(1)}));
    }
    events.sort_by_key(|e| e["timestamp"].as_u64());
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(&events).unwrap()).unwrap();
    path
}

/// The pages a scenario of viewer.mjs opens (its `url(name)`s): only those are made for it.
fn pages_of(scenario: &str) -> &'static [&'static str] {
    match scenario {
        "header" | "markers" | "console" | "network" | "events" | "links" | "windows"
        | "keyboard" | "contrast" | "screenshots" => &["default"],
        "encodings" => &["default", "utf16"],
        "loading" => &["long"],
        "fallbacks" => &["default", "long"],
        "jumps" => &["snapshots"],
        "memory" => &["memory"],
        "rows" => &["rows", "rowless"],
        "settings" => &["default", "dark", "light"],
        "embed" => &["default", "embed"],
        "collection" => &["collection"],
        other => panic!("viewer.rs does not know which pages scenario {other:?} opens"),
    }
}

/// Makes the page viewer.mjs knows as `name` in `dir`.
fn make_page(dir: &Path, name: &str) -> PathBuf {
    match name {
        "default" => page(dir, name, &[real()], &[]),
        "dark" => page(
            dir,
            name,
            &[real()],
            &[
                "--theme",
                "dark",
                "--inspector",
                "closed",
                "--speed",
                "2",
                "--no-skip-inactive",
                "--start",
                "4s",
            ],
        ),
        "light" => page(dir, name, &[real()], &["--theme", "light", "--autoplay"]),
        "embed" => page(dir, name, &[real()], &["--embed"]),
        "utf16" => page(dir, name, &[real()], &["--page-encoding", "utf-16"]),
        "collection" => page(
            dir,
            name,
            &[real(), fixture("edge/last-event-at-end.json")],
            &[],
        ),
        "long" => page(dir, name, &[long_recording(dir)], &[]),
        "snapshots" => page(dir, name, &[snapshots_recording(dir)], &[]),
        "memory" => page(dir, name, &[memory_recording(dir)], &[]),
        "rows" => page(dir, name, &[console_rows(dir, name, 100_000)], &[]),
        "rowless" => page(dir, name, &[console_rows(dir, name, 0)], &[]),
        other => panic!("no page {other:?}"),
    }
}

/// Held to read by each group of scenarios, and to write by one that measures time, which then
/// runs while no other browser of this file does.
static BROWSERS: RwLock<()> = RwLock::new(());

/// Runs scenarios of viewer.mjs on the pages they use, in each engine (one browser each), and
/// fails with every scenario that failed. A scenario that needs what an engine cannot do here
/// (see tests/browser/engines.mjs) is reported on standard error, by name and reason.
fn scenarios(names: &[&str]) {
    // A scenario that compares timings ("rows") runs alone, the others side by side.
    let _turn = if names.contains(&"rows") {
        Box::new(BROWSERS.write().unwrap_or_else(|e| e.into_inner())) as Box<dyn std::any::Any>
    } else {
        Box::new(BROWSERS.read().unwrap_or_else(|e| e.into_inner()))
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut pages = serde_json::Map::new();
    for &name in names.iter().flat_map(|scenario| pages_of(scenario)) {
        if !pages.contains_key(name) {
            pages.insert(name.to_owned(), json!(make_page(d, name)));
        }
    }
    let screenshots = std::env::var("REPLAY_HTML_SCREENSHOTS").ok();
    let mut failures = Vec::new();
    for engine in browser_engines() {
        // Screenshots of Chromium keep their names; other engines' get the engine's name.
        let screenshots = screenshots.as_ref().map(|dir| {
            let dir = Path::new(dir);
            if engine == "chromium" {
                dir.to_path_buf()
            } else {
                let sub = dir.join(&engine);
                std::fs::create_dir_all(&sub).unwrap();
                sub
            }
        });
        let config = json!({
            "expected": fixture("real/expected.json"),
            "pages": pages,
            "dir": d,
            "scenarios": names,
            "screenshots": screenshots,
            "engine": engine,
        });
        let config_path = d.join(format!("config-{engine}.json"));
        std::fs::write(&config_path, config.to_string()).unwrap();
        let output = Command::new("node")
            .arg(repo().join("tests/browser/viewer.mjs"))
            .arg(&config_path)
            .output()
            .expect("node runs");
        assert!(
            output.status.success(),
            "viewer.mjs failed in {engine}: {}",
            stderr(&output)
        );
        let report: Value = serde_json::from_slice(&output.stdout).expect("viewer.mjs prints JSON");
        for name in names {
            let outcome = &report[*name];
            if outcome["ok"] == true {
                continue;
            }
            failures.push(format!(
                "{name} in {engine}: {}",
                outcome["error"].as_str().unwrap_or("no report")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn header_markers_timeline_and_contrast() {
    if browser_available() {
        let mut names = vec!["header", "markers", "contrast"];
        // REPLAY_HTML_SCREENSHOTS=DIR also saves screenshots there, for a person to look at.
        if std::env::var_os("REPLAY_HTML_SCREENSHOTS").is_some() {
            names.push("screenshots");
        }
        scenarios(&names);
    }
}

#[test]
fn a_utf16_page_from_a_file_and_from_a_server() {
    if browser_available() {
        scenarios(&["encodings"]);
    }
}

#[test]
fn inspector_console_network_and_events() {
    if browser_available() {
        scenarios(&["console", "network", "events"]);
    }
}

#[test]
fn deep_links_following_windows_and_loading() {
    if browser_available() {
        scenarios(&["links", "windows", "loading", "jumps"]);
    }
}

#[test]
fn memory_stays_within_the_cache_budget() {
    if browser_available() {
        scenarios(&["memory"]);
    }
}

#[test]
fn keyboard_settings_embedding_and_collections() {
    if browser_available() {
        scenarios(&["keyboard", "settings", "embed", "collection"]);
    }
}

#[test]
fn an_inspector_with_100000_rows() {
    if browser_available() {
        scenarios(&["rows"]);
    }
}

#[test]
fn fallbacks_where_an_engine_lacks_a_feature() {
    if browser_available() {
        scenarios(&["fallbacks"]);
    }
}
