//! `bundle --out-dir`: a page for each recording, on all cores; pages that are up to date are
//! skipped, a bad input does not stop the others, and the run ends with a summary.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use common::{fixture, run, run_ok, stderr};

const SESSION: &str = "01a20384-0938-75f7-a5c4-807abbf7900f";

fn pages(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The real capture requests, and a copy of them as a second session.
fn two_sessions_of_captures(dir: &Path) -> PathBuf {
    sessions_of_captures(dir, &["second-session"])
}

/// The real capture requests, and a copy of them as each other session.
fn sessions_of_captures(dir: &Path, others: &[&str]) -> PathBuf {
    let captures = dir.join("captures");
    fs::create_dir(&captures).unwrap();
    for entry in fs::read_dir(fixture("real/capture")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "body") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = fs::read(&path).unwrap();
        fs::write(captures.join(&name), &body).unwrap();
        let mut text = String::new();
        GzDecoder::new(body.as_slice())
            .read_to_string(&mut text)
            .unwrap();
        for (n, other) in others.iter().enumerate() {
            let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
            gz.write_all(text.replace(SESSION, other).as_bytes())
                .unwrap();
            let copy = match n {
                0 => format!("copy-{name}"),
                n => format!("copy{}-{name}", n + 1),
            };
            fs::write(captures.join(copy), gz.finish().unwrap()).unwrap();
        }
    }
    captures
}

#[test]
fn makes_a_page_per_input_and_per_session_and_goes_on_past_a_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let captures = two_sessions_of_captures(dir.path());
    let broken = dir.path().join("broken.json");
    fs::write(&broken, "{\"version\":\"2023-04-28\",\"data\":").unwrap();
    let out = dir.path().join("pages");
    let output = run(&[
        "bundle",
        "--out-dir",
        out.to_str().unwrap(),
        fixture("real/export-2023-04-28-uuid-windows.json")
            .to_str()
            .unwrap(),
        fixture("real/snapshots-blob_v2.jsonl").to_str().unwrap(),
        broken.to_str().unwrap(),
        captures.to_str().unwrap(),
    ]);
    let message = stderr(&output);
    assert!(
        !output.status.success(),
        "a failed input fails the run: {message}"
    );
    assert!(
        message.contains("made 4, skipped 0 (up to date; --force bundles them again), failed 1"),
        "{message}"
    );
    assert!(
        message.contains("failed: ") && message.contains("broken.json: it is not valid JSON"),
        "{message}"
    );
    assert_eq!(
        pages(&out),
        [
            format!("{SESSION}.html"),
            "export-2023-04-28-uuid-windows.html".to_owned(),
            "second-session.html".to_owned(),
            "snapshots-blob_v2.html".to_owned(),
        ]
    );
    // Each page holds its own recording.
    let page = fs::read_to_string(out.join("second-session.html")).unwrap();
    let (summary, _) = common::page_contents(&page);
    assert_eq!(summary["sessionId"], "second-session");
}

#[test]
fn skips_pages_whose_content_fingerprint_matches_and_rebuilds_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.json");
    fs::copy(fixture("real/export-2023-04-28-uuid-windows.json"), &input).unwrap();
    let out = dir.path().join("pages");
    let page = out.join("export.html");
    let batch = |extra: &[&str]| {
        let mut args = vec![
            "bundle",
            "--out-dir",
            out.to_str().unwrap(),
            input.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        stderr(&run_ok(&args))
    };
    let recorded = || replay_html::fingerprint::recorded_in(&fs::read(&page).unwrap());
    assert!(batch(&[]).contains("made 1, skipped 0"));
    let first = recorded().expect("the page records its fingerprint");
    assert!(batch(&[]).contains("made 0, skipped 1"));
    assert!(batch(&["--force"]).contains("made 1, skipped 0"));
    assert_eq!(recorded().unwrap(), first);

    // Times do not matter: an input touched but unchanged is still up to date...
    let later = SystemTime::now() + Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&input)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert!(batch(&[]).contains("made 0, skipped 1"));
    // ... while a changed one is bundled again, even when its time says it is older.
    let mut text = fs::read_to_string(&input).unwrap();
    text.push('\n');
    fs::write(&input, text).unwrap();
    fs::File::options()
        .write(true)
        .open(&input)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
        .unwrap();
    assert!(batch(&[]).contains("made 1, skipped 0"));
    assert_ne!(recorded().unwrap(), first);

    // A changed option that changes the page rebuilds it, without --force.
    assert!(batch(&["--title", "Ticket 4711"]).contains("made 1, skipped 0"));
    assert!(batch(&["--title", "Ticket 4711"]).contains("made 0, skipped 1"));
    assert!(batch(&["--title", "Ticket 4711", "--strip-console"]).contains("made 1, skipped 0"));
    assert!(batch(&["--title", "Ticket 4711", "--strip-console"]).contains("made 0, skipped 1"));

    // A page that records no fingerprint (written by hand, or by an older version) is rebuilt.
    fs::write(&page, "<!doctype html><html><head></head></html>").unwrap();
    assert!(batch(&[]).contains("made 1, skipped 0"));
}

#[test]
fn shards_cover_every_input_once_and_the_report_tells_each() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    fs::create_dir(&inputs).unwrap();
    let body = fs::read(fixture("real/rrweb-events.json")).unwrap();
    let mut paths = Vec::new();
    for n in 0..12 {
        let path = inputs.join(format!("rec-{n:02}.json"));
        fs::write(&path, &body).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let out = dir.path().join("pages");
    let mut made = Vec::new();
    for k in 1..=3 {
        // Each worker lists the inputs in its own order.
        paths.rotate_left(5);
        let report = dir.path().join(format!("report-{k}.jsonl"));
        let shard = format!("{k}/3");
        let mut args = vec![
            "bundle",
            "--out-dir",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            "--report",
            report.to_str().unwrap(),
        ];
        args.extend(paths.iter().map(String::as_str));
        let message = stderr(&run_ok(&args));
        let lines: Vec<serde_json::Value> = fs::read_to_string(&report)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(
            message.contains(&format!("made {}, skipped 0", lines.len())),
            "{message}"
        );
        for line in &lines {
            assert_eq!(line["status"], "made");
            assert!(line["error"].is_null());
            assert_eq!(line["bytes_in"], body.len());
            let page = PathBuf::from(line["page"].as_str().unwrap());
            assert_eq!(line["bytes_out"], fs::metadata(&page).unwrap().len());
            made.push(line["input"].as_str().unwrap().to_owned());
        }
    }
    made.sort();
    paths.sort();
    assert_eq!(made, paths, "every input once");
    assert_eq!(pages(&out).len(), 12);

    let output = run(&[
        "bundle",
        "--out-dir",
        out.to_str().unwrap(),
        "--shard",
        "4/3",
        &paths[0],
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("the shard must be from 1 to 3, not 4"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn session_picks_one_recording_of_many_captures() {
    let dir = tempfile::tempdir().unwrap();
    let captures = two_sessions_of_captures(dir.path());
    let page = dir.path().join("one.html");
    common::bundle_with(&[&captures], &page, &["--session", "second-session"]);
    let (summary, _) = common::page_contents(&fs::read_to_string(&page).unwrap());
    assert_eq!(summary["sessionId"], "second-session");

    // Without --session, the captures make one page listing both sessions.
    let both = dir.path().join("both.html");
    common::bundle(&captures, &both);
    let recordings = replay_html::input::bundle::read_page_file(&fs::read(&both).unwrap()).unwrap();
    let ids: Vec<&str> = recordings
        .iter()
        .map(|r| r.summary["sessionId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [SESSION, "second-session"]);

    let output = run(&[
        "bundle",
        captures.to_str().unwrap(),
        "--session",
        "nope",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains(&format!(
            "no input holds session \"nope\" (they hold {SESSION}, second-session)"
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn pages_whose_names_collide_get_stable_names_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    // Four sessions whose ids make the same safe file name.
    let captures = sessions_of_captures(dir.path(), &["a/b", "a_b", "a b", "a:b"]);
    // Three inputs that a naive numbering names twice.
    for (folder, name) in [
        ("x", "export.json"),
        ("y", "export.json"),
        ("", "export-2.json"),
    ] {
        fs::create_dir_all(dir.path().join(folder)).unwrap();
        fs::copy(
            fixture("real/export-2023-04-28-uuid-windows.json"),
            dir.path().join(folder).join(name),
        )
        .unwrap();
    }
    let out = dir.path().join("pages");
    let batch = || {
        stderr(&run_ok(&[
            "bundle",
            "--out-dir",
            out.to_str().unwrap(),
            captures.to_str().unwrap(),
            dir.path().join("x/export.json").to_str().unwrap(),
            dir.path().join("y/export.json").to_str().unwrap(),
            dir.path().join("export-2.json").to_str().unwrap(),
        ]))
    };
    let first = batch();
    assert!(first.contains("made 8, skipped 0"), "{first}");
    let made = pages(&out);
    assert_eq!(made.len(), 8, "{made:?}");
    assert!(made.contains(&"a_b.html".to_owned()), "{made:?}");
    for page in &made {
        let html = fs::read_to_string(out.join(page)).unwrap();
        assert!(html.starts_with("<!doctype html>"), "{page}");
    }
    // Each session's page holds that session.
    let ids: std::collections::HashSet<String> = made
        .iter()
        .map(|page| {
            let (summary, _) = common::page_contents(&fs::read_to_string(out.join(page)).unwrap());
            summary["sessionId"].as_str().unwrap().to_owned()
        })
        .collect();
    for id in ["a/b", "a_b", "a b", "a:b", SESSION] {
        assert!(ids.contains(id), "{id} has no page: {ids:?}");
    }
    // The same run again names the pages the same, and finds them all up to date.
    let again = batch();
    assert!(again.contains("made 0, skipped 8"), "{again}");
    assert_eq!(pages(&out), made);
}

#[test]
fn a_page_is_never_written_over_its_input_and_stale_temporary_files_go() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("replay.html");
    common::bundle(&fixture("real/export-2023-04-28-uuid-windows.json"), &page);
    let before = fs::read(&page).unwrap();
    // A temporary file a killed run left (its process, 0 here, is long gone).
    let stale = dir.path().join(".replay-html-999999999-abc123.tmp");
    fs::write(&stale, "half a page").unwrap();
    let output = run(&[
        "bundle",
        "--out-dir",
        dir.path().to_str().unwrap(),
        "--force",
        "--strip-person",
        page.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("is the input itself"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read(&page).unwrap(), before);
    assert!(!stale.exists(), "the stale temporary file is still there");
}
