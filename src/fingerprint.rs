//! Content fingerprints, which tell whether a page is up to date: a hash of the tool's version,
//! of every option that changes the page, and of each input it is made from (its size and the
//! hash of its bytes). A page records its fingerprint in a `<meta>`; a batch skips a page only when the
//! fingerprint it would write is the one already there, so changed inputs, changed options or
//! a new version make it again, whatever the files' times say.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::Options;

/// The `<meta name>` a page records its fingerprint in.
pub const META_NAME: &str = "replay-html-fingerprint";

/// What identifies an input's content: its size and the SHA-256 of its bytes.
pub fn of_bytes(bytes: &[u8]) -> String {
    format!("{}:sha256:{}", bytes.len(), hex(&Sha256::digest(bytes)))
}

/// The fingerprint of a page made with `options` from inputs identified by `inputs` (in the
/// order they are read).
pub fn of_page(options: &Options, inputs: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("replay-html {}\n", env!("CARGO_PKG_VERSION")));
    hasher.update(options_text(options));
    for input in inputs {
        hasher.update(format!("\ninput {input}"));
    }
    hex(&hasher.finalize()[..16])
}

/// Every option that changes the page, as text. The fields are named one by one, so that a new
/// option cannot be forgotten here: it must be listed, or said to leave the page alike.
fn options_text(options: &Options) -> String {
    let Options {
        title,
        offline,
        redaction,
        viewer,
        // Whether a page may be written at all: a page made without the check is made again
        // with it.
        pii,
        clip,
        notes,
        encoding,
        // How far writing has gone, and the fingerprint itself: neither changes the page's
        // content.
        progress: _,
        fingerprint: _,
    } = options;
    let clip = format!("from {:?} to {:?}", clip.from, clip.to);
    let notes: Vec<_> = notes.iter().map(|note| (note.t, &note.text)).collect();
    format!(
        "title {title:?}\noffline {offline}\nredaction {redaction:?}\nviewer {viewer:?}\npii {pii:?}\nclip {clip}\nnotes {notes:?}\nencoding {encoding:?}"
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

/// The fingerprint a page records in its `<meta>`, read from the page's start (UTF-8, or
/// UTF-16 after its byte-order mark).
pub fn recorded_in(page_start: &[u8]) -> Option<String> {
    let head = match page_start.strip_prefix(&[0xff, 0xfe]) {
        Some(utf16) => crate::input::bundle::utf16_text(utf16),
        None => String::from_utf8_lossy(page_start).into_owned(),
    };
    let head = &head[..head.find("</head>").unwrap_or(head.len())];
    let tag = format!("<meta name=\"{META_NAME}\" content=\"");
    let start = head.find(&tag)? + tag.len();
    let end = start + head[start..].find('"')?;
    Some(head[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_with_every_option_and_input_and_only_with_them() {
        let options = Options::default();
        let base = of_page(&options, &["10:sha256:ab"]);
        assert_eq!(base, of_page(&options, &["10:sha256:ab"]));
        assert_ne!(base, of_page(&options, &["10:sha256:ac"]));
        assert_ne!(base, of_page(&options, &["10:sha256:ab", "5:etag:x"]));
        let mut offline = options.clone();
        offline.offline = true;
        assert_ne!(base, of_page(&offline, &["10:sha256:ab"]));
        let mut titled = options.clone();
        titled.title = Some("Ticket 4711".into());
        assert_ne!(base, of_page(&titled, &["10:sha256:ab"]));
        let mut masked = options.clone();
        masked.redaction.mask_text = true;
        assert_ne!(base, of_page(&masked, &["10:sha256:ab"]));
        let mut fast = options.clone();
        fast.viewer.speed = 2.0;
        assert_ne!(base, of_page(&fast, &["10:sha256:ab"]));
        let mut clipped = options.clone();
        clipped.clip.from = Some(60_000.0);
        assert_ne!(base, of_page(&clipped, &["10:sha256:ab"]));
        let mut clipped_to = options.clone();
        clipped_to.clip.to = Some(60_000.0);
        assert_ne!(
            of_page(&clipped, &["10:sha256:ab"]),
            of_page(&clipped_to, &["10:sha256:ab"])
        );
        let mut noted = options.clone();
        noted.notes = vec![crate::notes::Note::new("1:30", "pays twice").unwrap()];
        assert_ne!(base, of_page(&noted, &["10:sha256:ab"]));
        let mut renoted = options.clone();
        renoted.notes = vec![crate::notes::Note::new("1:30", "pays three times").unwrap()];
        assert_ne!(
            of_page(&noted, &["10:sha256:ab"]),
            of_page(&renoted, &["10:sha256:ab"])
        );
        let mut recorded = options;
        recorded.fingerprint = Some(base.clone());
        assert_eq!(base, of_page(&recorded, &["10:sha256:ab"]));
    }

    #[test]
    fn reads_the_fingerprint_a_page_records() {
        let page = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\">\
             <meta name=\"{META_NAME}\" content=\"0123abcd\"><title>x</title></head>"
        );
        assert_eq!(recorded_in(page.as_bytes()).as_deref(), Some("0123abcd"));
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(page.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(recorded_in(&utf16).as_deref(), Some("0123abcd"));
        assert_eq!(recorded_in(b"<html><head></head><body>"), None);
        let in_body = format!("<head></head><meta name=\"{META_NAME}\" content=\"x\">");
        assert_eq!(recorded_in(in_body.as_bytes()), None);
    }
}
