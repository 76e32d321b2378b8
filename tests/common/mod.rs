//! Helpers shared by the integration tests: running the binary, finding fixtures, and driving
//! each browser engine (Chromium, Firefox, WebKit) through `tests/browser/drive.mjs`.
#![allow(dead_code)] // each test file uses its own share of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

use replay_html::{Format, Input, Recording};

/// Reads `bytes` (named `what` in a failure) as replay-html does. The input is leaked so that
/// the recording, which borrows from it, lasts for the rest of the test.
pub fn read_recording(bytes: Vec<u8>, what: &str) -> (Format, Recording<'static>) {
    let input: &'static Input = Box::leak(Box::new(Input::new(bytes).unwrap()));
    input.read().unwrap_or_else(|e| panic!("{what}: {e:#}"))
}

/// The events of a window as JSON values: formats may differ in member order, not in content.
pub fn event_values(recording: &Recording, window: usize) -> Vec<Value> {
    recording.windows[window]
        .events
        .iter()
        .map(|e| serde_json::from_str(&e.json.text().unwrap()).unwrap())
        .collect()
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    repo().join("tests/fixtures").join(path)
}

/// The `replay-html` binary, with arguments.
pub fn replay_html(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_replay-html"));
    command.args(args);
    command
}

/// Longest a run of replay-html may take in a test: far more than any needs, so that a hang
/// fails the test, saying so, rather than stall the whole run.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// Runs `replay-html` and returns its output, whatever the exit code.
pub fn run(args: &[&str]) -> Output {
    let child = replay_html(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the replay-html binary runs");
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let output = child.wait_with_output();
        let _ = done.send(());
        output
    });
    if finished.recv_timeout(RUN_LIMIT).is_err() {
        // The child is the waiter's: end it by its process id.
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        panic!("replay-html {args:?} did not finish in {RUN_LIMIT:?}: it hangs");
    }
    waiter
        .join()
        .expect("the waiting thread ends")
        .expect("replay-html's output is read")
}

/// replay-html's standard error, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `replay-html`, failing the test with its message if it fails.
pub fn run_ok(args: &[&str]) -> Output {
    let output = run(args);
    assert!(
        output.status.success(),
        "replay-html {args:?} failed: {}",
        stderr(&output)
    );
    output
}

/// Bundles `inputs` into `out` with `extra` options, failing the test with replay-html's
/// message if it fails.
pub fn bundle_with(inputs: &[impl AsRef<Path>], out: &Path, extra: &[&str]) -> Output {
    let inputs: Vec<String> = inputs
        .iter()
        .map(|input| input.as_ref().to_string_lossy().into_owned())
        .collect();
    let out = out.to_string_lossy();
    let mut args = vec!["bundle"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["-o", &out]);
    args.extend_from_slice(extra);
    run_ok(&args)
}

/// Bundles `input` into `out`, failing the test with replay-html's message if it fails.
pub fn bundle(input: &Path, out: &Path) {
    bundle_with(&[input], out, &[]);
}

/// What posthog-js recorded of the real session: `tests/fixtures/real/expected.json`.
pub fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(fixture("real/expected.json")).unwrap()).unwrap()
}

/// The real session's window ids as posthog-js gave them (UUIDs), in order of appearance.
pub fn window_uuids(expected: &Value) -> Vec<String> {
    expected["windowIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_owned())
        .collect()
}

/// The browser engines the tests drive (tests/browser/engines.mjs: chromium, firefox, webkit;
/// REPLAY_HTML_ENGINES chooses, engines.mjs has the default), each with why it cannot run here,
/// if it cannot.
fn engines_and_what_is_missing() -> Vec<(String, Option<String>)> {
    let selected = std::env::var("REPLAY_HTML_ENGINES")
        .unwrap_or_else(|_| "chromium,firefox,webkit".to_owned());
    let all = || -> Vec<String> {
        selected
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let every = |reason: &str| {
        all()
            .into_iter()
            .map(|e| (e, Some(reason.to_owned())))
            .collect()
    };
    if !repo().join("tests/browser/node_modules").exists() {
        return every("tests/browser/node_modules is missing (npm ci --prefix tests/browser)");
    }
    let output = match Command::new("node")
        .arg(repo().join("tests/browser/engines.mjs"))
        .arg("--missing")
        .output()
    {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            return every(&format!(
                "tests/browser/engines.mjs --missing failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Err(_) => return every("no node on PATH"),
    };
    let report: Value =
        serde_json::from_slice(&output.stdout).expect("engines.mjs --missing prints JSON");
    report
        .as_object()
        .expect("engines.mjs --missing prints an object")
        .iter()
        .map(|(engine, reason)| (engine.clone(), reason.as_str().map(str::to_owned)))
        .collect()
}

/// The browser engines the browser tests run in here. An engine that cannot run is skipped
/// with a line on standard error, unless REPLAY_HTML_REQUIRE_BROWSER=1 (set by .ci/run), which
/// makes it a failure.
pub fn browser_engines() -> Vec<String> {
    let required = std::env::var("REPLAY_HTML_REQUIRE_BROWSER").as_deref() == Ok("1");
    let mut usable = Vec::new();
    for (engine, reason) in engines_and_what_is_missing() {
        match reason {
            None => usable.push(engine),
            Some(reason) if required => panic!(
                "browser tests are required (REPLAY_HTML_REQUIRE_BROWSER=1) but {engine} cannot run: {reason}"
            ),
            Some(reason) => eprintln!("skipping {engine} in browser tests: {reason}"),
        }
    }
    usable
}

/// Whether browser tests can run in at least one engine (see `browser_engines`).
pub fn browser_available() -> bool {
    !browser_engines().is_empty()
}

/// Opens a page in one engine and returns drive.mjs's report.
pub fn drive_in(engine: &str, page: &Path, extra: &[&str]) -> Value {
    let output = Command::new("node")
        .arg(repo().join("tests/browser/drive.mjs"))
        .arg(page)
        .args(["--engine", engine])
        .args(extra)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "drive.mjs failed in {engine} on {}: {}",
        page.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("drive.mjs prints a JSON report")
}

/// Opens a page in every engine the tests run in (`browser_engines`) and returns drive.mjs's
/// reports, one per engine, each naming its engine (`report["engine"]`).
pub fn drive(page: &Path, extra: &[&str]) -> Vec<Value> {
    browser_engines()
        .iter()
        .map(|engine| drive_in(engine, page, extra))
        .collect()
}

/// Asserts what every page must do: play, stay silent, and fetch nothing.
pub fn assert_plays_cleanly(report: &Value) {
    assert_eq!(
        report["ready"]["ok"], true,
        "replayHtml.ready did not resolve: {report}"
    );
    assert_eq!(
        report["requests"],
        serde_json::json!([]),
        "the page made network requests: {report}"
    );
    assert_eq!(
        report["consoleErrors"],
        serde_json::json!([]),
        "the page logged errors: {report}"
    );
    assert_eq!(
        report["pageErrors"],
        serde_json::json!([]),
        "the page threw: {report}"
    );
    assert_eq!(
        report["dialogs"],
        serde_json::json!([]),
        "the page opened dialogs: {report}"
    );
}

/// What a produced page carries of its (first) recording: its summary, and each window's
/// events as JSON text (one array), decompressed.
pub fn page_contents(html: &str) -> (Value, Vec<String>) {
    let mut recordings =
        replay_html::input::bundle::read_page_file(html.as_bytes()).expect("the page reads back");
    let recording = recordings.remove(0);
    let windows = recording
        .windows
        .iter()
        .map(|chunks| {
            let events: Vec<Value> = chunks
                .iter()
                .flat_map(|chunk| {
                    serde_json::from_str::<Vec<Value>>(chunk).expect("a chunk is JSON")
                })
                .collect();
            serde_json::to_string(&events).unwrap()
        })
        .collect();
    (recording.summary, windows)
}
