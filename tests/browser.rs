//! The produced page in a real browser: headless Chromium opens it from file://, with no
//! network, and the tests check what a viewer would see.

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
    let report = drive(&page, &[]);
    assert_plays_cleanly(&report);
    assert_eq!(report["windows"], serde_json::json!(["A", "B"]));
    assert_eq!(
        report["initialWindow"], "A",
        "the page starts where the session ends"
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
