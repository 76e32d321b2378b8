//! The command line: where output goes, what errors say, and that a failed run never leaves
//! or damages a file.

mod common;

use std::fs;
use std::io::Write;
use std::process::Stdio;

use common::{fixture, replay_html, run, run_ok, stderr};

const EDGE: &str = "edge/last-event-at-end.json";

/// Text as a browser reads it from HTML: the entities minijinja writes, decoded.
fn html_text(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

#[test]
fn without_o_writes_the_input_stem_with_html_in_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let output = replay_html(&["bundle", &fixture(EDGE).to_string_lossy()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let html = fs::read_to_string(dir.path().join("last-event-at-end.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
}

#[test]
fn reads_standard_input_and_writes_standard_output() {
    let mut child = replay_html(&["bundle", "-", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&fs::read(fixture(EDGE)).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let html = String::from_utf8(output.stdout).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.trim_end().ends_with("</html>"));
}

#[test]
fn standard_input_without_o_asks_for_it() {
    let output = run(&["bundle", "-"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("needs -o OUT"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.html"), dir.path().join("b.html"));
    common::bundle(&fixture(EDGE), &a);
    common::bundle(&fixture(EDGE), &b);
    assert!(
        fs::read(&a).unwrap() == fs::read(&b).unwrap(),
        "two runs gave different pages"
    );
}

#[test]
fn the_page_refers_to_nothing_outside_itself() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    common::bundle(&fixture(EDGE), &page);
    let html = fs::read_to_string(&page).unwrap().to_ascii_lowercase();
    for needle in [
        "<script src",
        "<link",
        "sourcemappingurl=rrweb",
        "@import",
        "<img",
        "<iframe",
    ] {
        assert!(!html.contains(needle), "the page holds {needle:?}");
    }
}

#[test]
fn title_defaults_to_the_first_url_and_can_be_set_and_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    common::bundle(&fixture(EDGE), &page);
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        html_text(&html).contains("<title>https://example.test/a</title>"),
        "{}",
        &html[..400]
    );

    let hostile = "</title></script><img src=x onerror=alert(1)>";
    common::bundle_with(&[fixture(EDGE)], &page, &["--title", hostile]);
    let html = fs::read_to_string(&page).unwrap();
    assert!(!html.contains(hostile) && !html.contains("<img src=x"));
    assert!(html_text(&html).contains(&format!("<title>{hostile}</title>")));
}

#[test]
fn help_shows_examples_and_version_works() {
    let help = run(&["bundle", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.status.success() && text.contains("Examples:") && text.contains("replay-html bundle"),
        "{text}"
    );
    let version = run(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("replay-html {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_missing_input_is_named_in_one_sentence() {
    let output = run(&["bundle", "no-such-file.json", "-o", "-"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.starts_with("replay-html: error: could not read no-such-file.json: "),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
}

#[test]
fn a_json_error_names_the_input_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("broken.json");
    fs::write(
        &input,
        "{\"version\": \"2023-04-28\",\n \"data\": {\"snapshots\": [,]}}",
    )
    .unwrap();
    let output = run(&[
        "bundle",
        &input.to_string_lossy(),
        "-o",
        &dir.path().join("x.html").to_string_lossy(),
    ]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("broken.json") && message.contains("line 2 column 25"),
        "{message}"
    );
}

#[test]
fn a_failed_run_leaves_no_file_and_never_replaces_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("no-snapshot.json");
    fs::write(&input, r#"[{"type":3,"data":{"source":1},"timestamp":1}]"#).unwrap();

    let fresh = dir.path().join("fresh.html");
    let output = run(&[
        "bundle",
        &input.to_string_lossy(),
        "-o",
        &fresh.to_string_lossy(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("full DOM snapshot"),
        "{}",
        stderr(&output)
    );
    assert!(!fresh.exists());

    let existing = dir.path().join("existing.html");
    fs::write(&existing, "keep me").unwrap();
    let output = run(&[
        "bundle",
        &input.to_string_lossy(),
        "-o",
        &existing.to_string_lossy(),
    ]);
    assert!(!output.status.success());
    assert_eq!(fs::read_to_string(&existing).unwrap(), "keep me");

    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "files left behind: {left:?}");
}

#[test]
fn a_successful_run_replaces_the_output_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.html");
    fs::write(&out, "old").unwrap();
    common::bundle(&fixture(EDGE), &out);
    assert!(
        fs::read_to_string(&out)
            .unwrap()
            .starts_with("<!doctype html>")
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn prints_shell_completions_and_a_manual_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = run_ok(&["completions", shell]);
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(
            script.contains("replay-html")
                && script.contains("out-dir")
                && script.contains("extract"),
            "{shell}: {script}"
        );
    }
    let output = run_ok(&["man"]);
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(
        page.contains(".TH replay-html 1") && page.contains("bundle") && page.contains("inspect")
    );

    let dir = tempfile::tempdir().unwrap();
    run_ok(&["man", "--out-dir", dir.path().to_str().unwrap()]);
    let bundle_page = fs::read_to_string(dir.path().join("replay-html-bundle.1")).unwrap();
    assert!(
        bundle_page.contains("mask\\-selector") && bundle_page.contains("out\\-dir"),
        "{bundle_page}"
    );
    for command in ["inspect", "extract", "completions", "man"] {
        assert!(
            dir.path().join(format!("replay-html-{command}.1")).exists(),
            "{command}"
        );
    }
}

#[test]
fn writes_through_a_symlink_and_into_a_fifo_without_replacing_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(EDGE);
    let input = input.to_str().unwrap();

    let real = dir.path().join("real.html");
    fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    run_ok(&["bundle", input, "-o", link.to_str().unwrap()]);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert!(
        fs::read_to_string(&real)
            .unwrap()
            .starts_with("<!doctype html>")
    );

    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    run_ok(&["bundle", input, "-o", fifo.to_str().unwrap()]);
    let read = reader.join().unwrap();
    assert!(read.starts_with(b"<!doctype html>"), "{} bytes", read.len());
    use std::os::unix::fs::FileTypeExt;
    assert!(
        fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );

    run_ok(&["bundle", input, "-o", "/dev/null"]);
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 3, "files left behind: {left:?}");
}

#[test]
fn never_writes_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("x.json");
    fs::copy(fixture("real/export-2023-04-28-uuid-windows.json"), &export).unwrap();
    let original = fs::read(&export).unwrap();
    let output = run(&[
        "bundle",
        export.to_str().unwrap(),
        "-o",
        export.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("is the input itself"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read(&export).unwrap(), original);

    // A page bundled again with redaction, under its default name: the page itself.
    let page = dir.path().join("rec.html");
    common::bundle(&export, &page);
    let unredacted = fs::read(&page).unwrap();
    let output = replay_html(&["bundle", "rec.html", "--strip-person", "--mask-text"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("is the input itself"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read(&page).unwrap(), unredacted);
}

#[test]
fn an_output_that_is_a_folder_is_named_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(EDGE);
    for out in [
        format!("{}/", dir.path().join("missing").display()),
        dir.path().display().to_string(),
    ] {
        let output = run(&["bundle", input.to_str().unwrap(), "-o", &out]);
        assert!(!output.status.success());
        assert!(
            stderr(&output).contains("is a folder: name a file"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn text_from_the_recording_reaches_the_terminal_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let session = "01a20384-0938-75f7-a5c4-807abbf7900f";
    let export = fs::read_to_string(fixture("real/export-2023-04-28-uuid-windows.json"))
        .unwrap()
        .replace(session, "\\u001b]0;owned\\u0007\\u001b[2J");
    let mut value: serde_json::Value = serde_json::from_str(&export).unwrap();
    let snapshots = value["data"]["snapshots"].as_array_mut().unwrap();
    let mut stray = snapshots[snapshots.len() - 1].clone();
    stray["windowId"] = "\u{1b}[31mred\u{9b}".into();
    snapshots.push(stray);
    let input = dir.path().join("hostile.json");
    fs::write(&input, value.to_string()).unwrap();

    let output = run_ok(&["inspect", input.to_str().unwrap()]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\\x1b]0;owned\\x07\\x1b[2J"), "{text}");
    assert!(!text.contains(['\u{1b}', '\u{7}', '\u{9b}']), "{text:?}");

    let output = run_ok(&[
        "bundle",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("p.html").to_str().unwrap(),
    ]);
    let message = stderr(&output);
    assert!(message.contains("\\x1b[31mred"), "{message}");
    assert!(
        !message.contains(['\u{1b}', '\u{7}', '\u{9b}']),
        "{message:?}"
    );

    // JSON output stays exact JSON, holding the id as it is.
    let output = run_ok(&["inspect", "--json", input.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["recordings"][0]["session_id"],
        "\u{1b}]0;owned\u{7}\u{1b}[2J"
    );
}

#[test]
fn ctrl_c_while_writing_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // A recording large enough that writing its page takes a while: a snapshot, then mutations
    // carrying text that does not compress away.
    let mut events = String::from(
        r#"[{"type":4,"data":{"href":"https://a/","width":800,"height":600},"timestamp":1000},{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":1000}"#,
    );
    // Random text, more than deflate's 32 KB window apart when reused: it does not compress.
    let mut seed: u64 = 7;
    let random: String = (0..200_000)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            char::from(b'a' + ((seed >> 40) % 26) as u8)
        })
        .collect();
    for i in 0..3000usize {
        let at = (i * 7919) % 180_000;
        let text = &random[at..at + 20_000];
        events.push_str(&format!(
            r#",{{"type":3,"data":{{"source":0,"texts":[{{"id":1,"value":"{text}"}}],"attributes":[],"removes":[],"adds":[]}},"timestamp":{}}}"#,
            1001 + i
        ));
    }
    events.push(']');
    let input = dir.path().join("big.json");
    fs::write(&input, events).unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("page.html");
    let mut child = replay_html(&[
        "bundle",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ])
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let started = std::time::Instant::now();
    let temporary = loop {
        let found = fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(".replay-html-"));
        if let Some(found) = found {
            break found;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60)
                && child.try_wait().unwrap().is_none(),
            "no temporary file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run was stopped");
    let left: Vec<_> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "left behind after Ctrl-C: {left:?} (temporary was {temporary})"
    );
}

#[test]
fn endless_or_huge_input_is_refused_early() {
    // Zeros, endlessly: refused from their first bytes.
    let output = run(&["bundle", "/dev/zero", "-o", "-"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("control bytes, which no recording starts with"),
        "{}",
        stderr(&output)
    );

    // gzip that expands past the limit, which can be set.
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b' '; 3 << 20]).unwrap();
    let bomb = dir.path().join("bomb.json.gz");
    fs::write(&bomb, gz.finish().unwrap()).unwrap();
    let output = replay_html(&["inspect", bomb.to_str().unwrap()])
        .env("REPLAY_HTML_MAX_INPUT", "2M")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("more than 2097152 bytes"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("REPLAY_HTML_MAX_INPUT"),
        "{}",
        stderr(&output)
    );
    // And so can a plain file.
    let big = dir.path().join("big.json");
    fs::write(&big, vec![b' '; 3 << 20]).unwrap();
    let output = replay_html(&["inspect", big.to_str().unwrap()])
        .env("REPLAY_HTML_MAX_INPUT", "2M")
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("more than 2097152 bytes"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_start_past_the_end_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.html");
    let output = run_ok(&[
        "bundle",
        fixture(EDGE).to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--start",
        "1h",
    ]);
    assert!(
        stderr(&output)
            .contains("--start 3600.0s is past the end of the recording, which is 4.0s long"),
        "{}",
        stderr(&output)
    );
    let output = run(&[
        "bundle",
        fixture(EDGE).to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(
        !output.status.success(),
        "--force without --out-dir is refused"
    );
    assert!(stderr(&output).contains("--out-dir"), "{}", stderr(&output));
}
