//! Safety of the produced page: a recording cannot run code, navigate or fetch anything when
//! the page is opened, whatever it holds, and every recorded text reaches the page as text.
//! The recordings here are hostile on purpose; remote addresses point at a closed loopback port.

mod common;

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use common::{
    assert_plays_cleanly, browser_available, browser_engines, bundle_with, drive, drive_in,
};

/// Builds rrweb's serialized DOM (rrweb-snapshot node types: 0 document, 1 doctype, 2 element,
/// 3 text), numbering the nodes.
struct Dom {
    next_id: u64,
}

impl Dom {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn element(&mut self, tag: &str, attributes: Value, children: Vec<Value>) -> Value {
        json!({"type": 2, "tagName": tag, "attributes": attributes, "childNodes": children, "id": self.id()})
    }

    fn text(&mut self, text: &str) -> Value {
        json!({"type": 3, "textContent": text, "id": self.id()})
    }

    fn document(
        head: impl FnOnce(&mut Dom) -> Vec<Value>,
        body: impl FnOnce(&mut Dom) -> Vec<Value>,
    ) -> Value {
        let mut dom = Dom { next_id: 1 };
        let doctype =
            json!({"type": 1, "name": "html", "publicId": "", "systemId": "", "id": dom.id()});
        let head = head(&mut dom);
        let head = dom.element("head", json!({}), head);
        let body = body(&mut dom);
        let body = dom.element("body", json!({}), body);
        let html = dom.element("html", json!({}), vec![head, body]);
        json!({"type": 0, "childNodes": [doctype, html], "id": 1})
    }
}

/// A recording of one window: Meta, the snapshot, then `more` events, one second apart.
fn recording(href: &str, document: Value, more: Vec<Value>) -> Value {
    let mut events = vec![
        json!({"type": 4, "data": {"href": href, "width": 1000, "height": 700}, "timestamp": 1_000}),
        json!({"type": 2, "data": {"node": document, "initialOffset": {"left": 0, "top": 0}}, "timestamp": 1_000}),
    ];
    for (i, mut event) in more.into_iter().enumerate() {
        event["timestamp"] = json!(2_000 + 1_000 * i as u64);
        events.push(event);
    }
    json!(events)
}

/// Bundles a recording (as JSON) with extra options into `dir`, and returns the page.
fn page_of(dir: &tempfile::TempDir, recording: &Value, bundle_args: &[&str]) -> std::path::PathBuf {
    let input = dir.path().join("recording.json");
    let page = dir.path().join("page.html");
    fs::write(&input, recording.to_string()).unwrap();
    bundle_with(&[&input], &page, bundle_args);
    page
}

/// Bundles a recording (as JSON) with extra options and opens it in every engine, with
/// `drive_args`: one report per engine.
fn open(recording: &Value, bundle_args: &[&str], drive_args: &[&str]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    drive(&page_of(&dir, recording, bundle_args), drive_args)
}

/// A server on a loopback port that counts the connections made to it: the proof that a
/// request left the browser, whatever the browser reports.
struct Canary {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl Canary {
    fn start() -> Canary {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                counter.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut stream) = stream {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    );
                }
            }
        });
        Canary { url, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn reset(&self) {
        self.hits.store(0, Ordering::SeqCst);
    }
}

/// Nothing ran (no dialog, no error thrown), nothing navigated, nothing was let through.
/// Console messages are expected: they are the browser reporting what it blocked.
fn assert_nothing_ran_navigated_or_left(report: &Value) {
    assert_eq!(report["ready"]["ok"], true, "{report}");
    assert_eq!(report["dialogs"], json!([]), "a dialog opened: {report}");
    assert_eq!(report["pageErrors"], json!([]), "{report}");
    assert_eq!(
        report["requests"],
        json!([]),
        "a request was let through: {report}"
    );
    assert_eq!(
        report["pageUrl"], "unchanged",
        "the page navigated: {report}"
    );
    let urls: Vec<&str> = report["frameUrls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let (top, frames) = urls
        .split_first()
        .expect("the page's own address comes first");
    assert!(!frames.is_empty(), "no replay frame: {report}");
    // A frame the player writes with document.open() takes the page's own address in Firefox
    // and WebKit, as the HTML standard says; Chromium keeps about:blank.
    assert!(
        frames
            .iter()
            .all(|url| *url == "about:blank" || *url == "about:srcdoc" || url == top),
        "a replay frame navigated in {}: {frames:?}",
        report["engine"]
    );
}

#[test]
fn recorded_content_never_runs_navigates_or_fetches() {
    if !browser_available() {
        return;
    }
    let canary = Canary::start();
    let remote = canary.url.as_str();
    let document = Dom::document(
        |d| {
            vec![
                d.element(
                    "meta",
                    json!({"http-equiv": "refresh", "content": format!("0;url={remote}/refresh")}),
                    vec![],
                ),
                d.element("base", json!({"href": format!("{remote}/base/")}), vec![]),
            ]
        },
        |d| {
            let script_text = d.text("alert('script element')");
            let link_text = d.text("a javascript: link");
            let input = d.element("input", json!({"name": "q", "value": "secret"}), vec![]);
            let submit = d.element("button", json!({"type": "submit"}), vec![]);
            let marker = d.text("hostile page replayed");
            vec![
                d.element("script", json!({}), vec![script_text]),
                d.element(
                    "img",
                    json!({"src": "relative.png", "onerror": "alert('onerror')"}),
                    vec![],
                ),
                d.element(
                    "a",
                    json!({"href": "javascript:alert('javascript url')"}),
                    vec![link_text],
                ),
                d.element(
                    "iframe",
                    json!({"srcdoc": "<script>alert('srcdoc')</script>"}),
                    vec![],
                ),
                d.element(
                    "form",
                    json!({"action": format!("{remote}/steal"), "method": "post"}),
                    vec![input, submit],
                ),
                d.element(
                    "object",
                    json!({"data": format!("{remote}/object.swf")}),
                    vec![],
                ),
                d.element("svg", json!({"onload": "alert('svg onload')"}), vec![]),
                d.element("p", json!({"onclick": "alert('onclick')"}), vec![marker]),
            ]
        },
    );
    for report in open(
        &recording("https://shop.test/", document, vec![]),
        &[],
        &["--attack"],
    ) {
        assert_nothing_ran_navigated_or_left(&report);
        assert_eq!(
            canary.hits(),
            0,
            "a request reached the loopback server in {}",
            report["engine"]
        );
        assert!(
            report["atEnd"][""]
                .as_str()
                .unwrap()
                .contains("hostile page replayed"),
            "{report}"
        );
    }
}

#[test]
fn offline_blocks_the_recorded_sites_remote_resources_that_load_by_default() {
    if !browser_available() {
        return;
    }
    let canary = Canary::start();
    let remote = canary.url.as_str();
    let document = Dom::document(
        |d| {
            let css = d.text(&format!(
                "@font-face {{ font-family: f; src: url({remote}/font.woff2); }} body {{ font-family: f; background: url({remote}/bg.png); }}"
            ));
            vec![
                d.element("style", json!({}), vec![css]),
                d.element(
                    "link",
                    json!({"rel": "stylesheet", "href": format!("{remote}/site.css")}),
                    vec![],
                ),
            ]
        },
        |d| {
            let text = d.text("remote resources");
            vec![
                d.element("img", json!({"src": format!("{remote}/pixel.png")}), vec![]),
                d.element("p", json!({}), vec![text]),
            ]
        },
    );
    let recording = recording("https://shop.test/", document, vec![]);
    let dir = tempfile::tempdir().unwrap();
    let offline_page = page_of(&dir, &recording, &["--offline"]);
    let other = tempfile::tempdir().unwrap();
    let default_page = page_of(&other, &recording, &[]);

    for engine in browser_engines() {
        let offline = drive_in(&engine, &offline_page, &[]);
        assert_eq!(offline["ready"]["ok"], true, "{offline}");
        assert_eq!(
            offline["requests"],
            json!([]),
            "--offline must let no request through: {offline}"
        );
        assert_eq!(
            canary.hits(),
            0,
            "with --offline a request reached the loopback server in {engine}"
        );
        assert!(
            offline["atEnd"][""]
                .as_str()
                .unwrap()
                .contains("remote resources")
        );

        // The same recording without --offline does load them: the check above can fail.
        let by_default = drive_in(&engine, &default_page, &[]);
        assert_eq!(by_default["ready"]["ok"], true, "{by_default}");
        let requested: Vec<&str> = by_default["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert!(
            requested.contains(&format!("{remote}/pixel.png").as_str()),
            "remote images load by default in {engine}: {requested:?}"
        );
        assert!(
            canary.hits() > 0,
            "by default, remote resources reach their server in {engine}"
        );
        canary.reset();
    }
}

const HOSTILE: &str = "</script><img src=x onerror=alert(1)><script>alert(2)</script>\"'&amp;";

#[test]
fn every_recorded_text_reaches_the_page_as_text() {
    if !browser_available() {
        return;
    }
    let href = format!("https://shop.test/?q={HOSTILE}");
    let document = Dom::document(|_| vec![], |d| vec![d.text(HOSTILE)]);
    let more = vec![
        json!({"type": 5, "data": {"tag": "$pageview", "payload": {"href": href}}}),
        json!({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": "error", "trace": [HOSTILE], "payload": [HOSTILE]}}}),
        json!({"type": 5, "data": {"tag": HOSTILE, "payload": {HOSTILE: HOSTILE}}}),
        json!({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": "log", "trace": [], "payload": [format!("\"{HOSTILE}\"")]}}}),
        json!({"type": 6, "data": {"plugin": "rrweb/network@1", "payload": {"requests": [{
            "name": href, "method": "POST", "status": 500, "initiatorType": "fetch", "startTime": 1, "duration": 2,
            "requestHeaders": {HOSTILE: HOSTILE}, "requestBody": HOSTILE, "responseHeaders": {"x": HOSTILE}, "responseBody": HOSTILE
        }]}}}),
    ];
    let export = json!({"version": "2023-04-28", "data": {
        "id": HOSTILE,
        "person": {"name": HOSTILE, "distinct_ids": [HOSTILE], "properties": {"email": HOSTILE, "name": HOSTILE}},
        "snapshots": recording(&href, document, more),
    }});
    for title in [None, Some(HOSTILE)] {
        let args: Vec<&str> = title.map(|t| vec!["--title", t]).unwrap_or_default();
        for report in open(&export, &args, &["--inspector"]) {
            assert_plays_cleanly(&report);
            let top = &report["topDocument"];
            assert_eq!(
                top["images"], 0,
                "an element was injected into the page: {report}"
            );
            assert_eq!(
                top["inlineHandlers"], 0,
                "an inline handler was injected into the page: {report}"
            );
            assert!(
                top["text"].as_str().unwrap().contains(HOSTILE),
                "the title and session id show as text: {report}"
            );
            // The inspector: console messages (an error, and a log whose argument is a string),
            // the request's address, headers and bodies, the custom event's tag and payload.
            let inspector = top["inspector"].as_str().unwrap();
            assert!(
                inspector.matches(HOSTILE).count() >= 8,
                "the inspector shows the recorded texts as text: {inspector}"
            );
            assert!(inspector.contains(&href), "{inspector}");
            // The markers (the page view, the console error, the failed request) and their tooltips.
            for list in ["markers", "tips"] {
                let texts: Vec<&str> = top[list]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect();
                assert_eq!(
                    texts.iter().filter(|t| t.contains(HOSTILE)).count(),
                    3,
                    "{list}: {texts:?}"
                );
            }
        }
    }
}
