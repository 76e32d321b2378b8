//! A page replay-html wrote: the recordings it carries, read back.
//!
//! The page holds, per recording, a summary (`<script type="application/json"
//! data-summary="R">`), and data blocks (`<script type="text/x-replay-html-data" ...>`): its
//! inspector rows, window by window its events in chunks, and the events far outside the session
//! that its timeline leaves out, if any (see `templates/page.html` and [`crate::payload`]). Reading them back needs no HTML parser: the bundler writes these
//! elements itself, and nothing inside them can end them.
//!
//! A page is read as the browser reads it: line ends `\r\n` and `\r` count as `\n` (a page
//! saved with CRLF line endings, by git or a mail client, still reads). A page that was cut
//! short (by a mail gateway, a chat upload) or damaged is refused, never read in part: it must
//! end with `</html>`, hold every window and chunk its summaries list, each chunk must
//! decompress (gzip checks its CRC) and hold as many events as its summary says
//! ([`check_chunk`]).

use anyhow::{Context, Result, bail};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::page::Encoding;
use crate::payload::{self, FORMAT_VERSION};

/// What a page carries of one recording.
#[derive(Debug)]
pub struct PageRecording {
    pub summary: Value,
    /// The inspector's rows, as JSON text.
    pub inspector: String,
    /// Per window, in order, the JSON text (an array of events) of each of its chunks, in order
    /// (whatever the order the page carries them in).
    pub windows: Vec<Vec<String>>,
    /// The events far outside the session that its timeline leaves out, as JSON text
    /// ([`Outliers`]), or `None`.
    pub outliers: Option<String>,
}

/// Whether a text is a page replay-html wrote.
pub fn is_page(text: &str) -> bool {
    let head = text
        .char_indices()
        .nth(4096)
        .map_or(text, |(end, _)| &text[..end]);
    head.trim_start()
        .get(..15)
        .is_some_and(|s| s.eq_ignore_ascii_case("<!doctype html>"))
        && head.contains("<meta name=\"generator\" content=\"replay-html ")
}

/// The start of every error about a page that is not whole.
pub const CUT_SHORT: &str = "the page is cut short or damaged";

/// Reads the recordings of a page, in order, from its file's bytes: UTF-8, or UTF-16 after a
/// byte-order mark.
pub fn read_page_file(bytes: &[u8]) -> Result<Vec<PageRecording>> {
    match bytes.strip_prefix(&[0xff, 0xfe]) {
        Some(utf16) => read_page(&utf16_text(utf16), Encoding::Utf16),
        None => {
            let utf8 = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            let text = std::str::from_utf8(utf8)
                .context("it is neither UTF-8 nor UTF-16 (with a byte-order mark) text")?;
            read_page(text, Encoding::Utf8)
        }
    }
}

/// UTF-16LE bytes (after the byte-order mark) as text. A damaged character, or a last odd
/// byte of a file cut short, reads as U+FFFD, for the page's reader to tell what is damaged.
pub fn utf16_text(bytes: &[u8]) -> String {
    let pairs = bytes.chunks_exact(2);
    let cut = !pairs.remainder().is_empty();
    // At most three bytes of UTF-8 for two of UTF-16 (a page's data is mostly such characters).
    let mut text = String::with_capacity(bytes.len() / 2 * 3 + 3);
    let units = pairs.map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
    text.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
    if cut {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// Reads the recordings of a page, in order, from its text and the encoding its file was in.
pub fn read_page(text: &str, encoding: Encoding) -> Result<Vec<PageRecording>> {
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    let recordings = read_elements(text, encoding)?;
    let whole = text.trim_end().ends_with("</html>");
    for (r, recording) in recordings.iter().enumerate() {
        let expected = chunk_counts(&recording.summary);
        let found: Vec<usize> = recording.windows.iter().map(Vec::len).collect();
        if found != expected {
            bail!(
                "{CUT_SHORT}: recording {} should hold {} (chunks per window), but holds {}: get the whole file again",
                r + 1,
                counts_text(&expected),
                counts_text(&found)
            );
        }
    }
    if !whole {
        bail!("{CUT_SHORT}: it does not end with </html>: get the whole file again");
    }
    Ok(recordings)
}

/// How many chunks each window of a recording's summary lists.
fn chunk_counts(summary: &Value) -> Vec<usize> {
    summary["windows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|w| w["chunks"].as_array().map_or(0, Vec::len))
        .collect()
}

fn counts_text(counts: &[usize]) -> String {
    if counts.is_empty() {
        return "no window".to_owned();
    }
    counts
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that chunk `c` of window `w` holds as many events as the summary says.
pub fn check_chunk(summary: &Value, w: usize, c: usize, events: usize) -> Result<()> {
    let expected = summary["windows"][w]["chunks"][c]["events"].as_u64();
    if expected != Some(events as u64) {
        bail!(
            "{CUT_SHORT}: chunk {} of window {} holds {events} events where its summary says {}: get the whole file again",
            c + 1,
            w + 1,
            expected.map_or("none".to_owned(), |n| n.to_string())
        );
    }
    Ok(())
}

/// What a page carries of a recording beside its timeline: the ids of all its windows, in
/// order, and the events far outside the session, each with its window's id.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Outliers<'p> {
    pub windows: Vec<String>,
    #[serde(borrow)]
    pub events: Vec<(String, &'p RawValue)>,
}

/// The events far outside the session a page carries beside a recording's timeline, checked
/// to be as many as its summary says.
pub fn outliers(page: &PageRecording) -> Result<Outliers<'_>> {
    let outliers: Outliers = match &page.outliers {
        Some(json) => serde_json::from_str(json).with_context(|| {
            format!("{CUT_SHORT}: its events outside the timeline are not what replay-html writes")
        })?,
        None => Outliers::default(),
    };
    let expected = page.summary["outliers"].as_u64().unwrap_or(0);
    if outliers.events.len() as u64 != expected {
        bail!(
            "{CUT_SHORT}: it holds {} events outside the timeline where its summary says {expected}: get the whole file again",
            outliers.events.len()
        );
    }
    Ok(outliers)
}

/// Reads the recordings of a page's elements, in order, as far as they go. (A recording's
/// chunks may come in any order: the page puts those the viewer needs first first.)
fn read_elements(text: &str, encoding: Encoding) -> Result<Vec<PageRecording>> {
    let mut recordings: Vec<PageRecording> = Vec::new();
    // Each recording's chunks as they are found, by window and chunk, as its summary lists them.
    let mut slots: Vec<Vec<Vec<Option<String>>>> = Vec::new();
    for element in Elements::new(text) {
        let attribute = |name: &str| element.attribute(name);
        let index = |name: &str| -> Result<usize> {
            attribute(name)
                .and_then(|v| v.parse().ok())
                .with_context(|| format!("a data element has no {name} number"))
        };
        if let Some(r) = attribute("data-summary") {
            let r: usize = r.parse().context("a summary has no recording number")?;
            if r != recordings.len() {
                bail!(
                    "its recordings are out of order (summary {r} where {} was due)",
                    recordings.len()
                );
            }
            let summary: Value = serde_json::from_str(element.content)
                .with_context(|| format!("{CUT_SHORT}: a recording's summary is not JSON"))?;
            let version = summary.get("formatVersion").and_then(Value::as_u64);
            if version != Some(u64::from(FORMAT_VERSION)) {
                bail!(
                    "it was written by another version of replay-html (payload version {}, this one reads {FORMAT_VERSION})",
                    version.map_or("unknown".to_owned(), |v| v.to_string())
                );
            }
            slots.push(
                chunk_counts(&summary)
                    .into_iter()
                    .map(|n| vec![None; n])
                    .collect(),
            );
            recordings.push(PageRecording {
                summary,
                inspector: String::new(),
                windows: Vec::new(),
                outliers: None,
            });
            continue;
        }
        if element.kind() != Some("text/x-replay-html-data") {
            continue;
        }
        let r = index("data-recording")?;
        let recording = recordings.get_mut(r).with_context(|| {
            format!("it has data for recording {r} before that recording's summary")
        })?;
        let json = payload::unpack(element.content, encoding).with_context(|| {
            format!(
                "{CUT_SHORT}: the data of recording {} does not decompress",
                r + 1
            )
        })?;
        if attribute("data-inspector").is_some() {
            recording.inspector = json;
            continue;
        }
        if attribute("data-outliers").is_some() {
            recording.outliers = Some(json);
            continue;
        }
        let (w, c) = (index("data-window")?, index("data-chunk")?);
        let Some(slot) = slots[r].get_mut(w).and_then(|chunks| chunks.get_mut(c)) else {
            bail!(
                "{CUT_SHORT}: recording {} holds chunk {} of window {}, which its summary does not list",
                r + 1,
                c + 1,
                w + 1
            );
        };
        if slot.replace(json).is_some() {
            bail!(
                "{CUT_SHORT}: recording {} holds chunk {} of window {} twice",
                r + 1,
                c + 1,
                w + 1
            );
        }
    }
    // (A chunk missing shows as a window with fewer chunks than its summary says: read_page.)
    for (recording, slots) in recordings.iter_mut().zip(slots) {
        recording.windows = slots
            .into_iter()
            .map(|chunks| chunks.into_iter().flatten().collect())
            .collect();
    }
    if recordings.is_empty() {
        if !text.trim_end().ends_with("</html>") {
            bail!("{CUT_SHORT}: it ends before its first recording: get the whole file again");
        }
        bail!("it is a page, but holds no recording replay-html can read");
    }
    Ok(recordings)
}

/// A `<script>` element of a page: its opening tag's attributes and its content.
struct Element<'a> {
    tag: &'a str,
    content: &'a str,
}

impl<'a> Element<'a> {
    /// An attribute's value (`Some("")` for a bare attribute).
    fn attribute(&self, name: &str) -> Option<&'a str> {
        let mut rest = self.tag;
        while let Some(at) = rest.find(name) {
            let before = rest[..at].chars().next_back();
            let after = &rest[at + name.len()..];
            rest = after;
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            if let Some(value) = after.strip_prefix("=\"") {
                return value.find('"').map(|end| &value[..end]);
            }
            if after.starts_with([' ', '>']) || after.is_empty() {
                return Some("");
            }
        }
        None
    }

    fn kind(&self) -> Option<&'a str> {
        self.attribute("type")
    }
}

/// The `<script>` elements of a page, in order.
struct Elements<'a> {
    rest: &'a str,
}

impl<'a> Elements<'a> {
    fn new(text: &'a str) -> Self {
        Elements { rest: text }
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        let start = self.rest.find("<script")?;
        let after = &self.rest[start + "<script".len()..];
        let tag_end = after.find('>')?;
        let body = &after[tag_end + 1..];
        let end = body.find("</script>")?;
        self.rest = &body[end + "</script>".len()..];
        Some(Element {
            tag: &after[..tag_end],
            content: &body[..end],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageEncoding;

    #[test]
    fn reads_back_what_the_bundler_wrote() {
        let input = br#"[{"type":4,"data":{"href":"https://a/","width":10,"height":10},"timestamp":1000,"windowId":"a"},
            {"type":2,"data":{"node":{"type":0,"childNodes":[]}},"timestamp":1000,"windowId":"a"},
            {"type":6,"data":{"plugin":"rrweb/console@1","payload":{"level":"error","payload":["\"</script>\""]}},"timestamp":1200,"windowId":"a"},
            {"type":2,"data":{"node":{}},"timestamp":1500,"windowId":"b"}]"#;
        for encoding in [PageEncoding::Utf8, PageEncoding::Utf16] {
            let options = crate::Options {
                encoding,
                ..Default::default()
            };
            let html = crate::bundle(input, &options).unwrap().html;
            let text = match encoding {
                PageEncoding::Utf16 => utf16_text(html.strip_prefix(&[0xff, 0xfe]).unwrap()),
                _ => String::from_utf8(html.clone()).unwrap(),
            };
            assert!(is_page(&text), "{encoding:?}");
            let recordings = read_page_file(&html).unwrap();
            assert_eq!(recordings.len(), 1);
            let recording = &recordings[0];
            assert_eq!(recording.summary["windows"][1]["id"], "b");
            assert_eq!(recording.windows.len(), 2);
            let first: Vec<Value> = serde_json::from_str(&recording.windows[0][0]).unwrap();
            assert_eq!(first[1]["type"], 2);
            let inspector: Value = serde_json::from_str(&recording.inspector).unwrap();
            assert_eq!(inspector["console"][0]["text"], "</script>");
        }
    }

    #[test]
    fn refuses_a_utf16_page_cut_short_or_damaged() {
        let input = br#"[{"type":2,"data":{"node":{"type":0,"childNodes":[]}},"timestamp":1000}]"#;
        let options = crate::Options {
            encoding: PageEncoding::Utf16,
            ..Default::default()
        };
        let html = crate::bundle(input, &options).unwrap().html;
        let at = html.len() / 2 + 1;
        for damaged in [html[..html.len() - 1].to_vec(), html[..at].to_vec()] {
            let err = read_page_file(&damaged).unwrap_err().to_string();
            assert!(err.contains(CUT_SHORT), "{err}");
        }
    }

    #[test]
    fn reads_chunks_in_any_order_but_each_once() {
        // A snapshot, a mouse move, a later snapshot: the page carries the chunk of the later
        // snapshot (the end) before the one of the move (Payload::page_order).
        let input = br#"[{"type":2,"data":{"node":{"type":0,"childNodes":[]}},"timestamp":1000},
            {"type":3,"data":{"source":1,"positions":[]},"timestamp":2000},
            {"type":2,"data":{"node":{"type":0,"childNodes":[]}},"timestamp":3000}]"#;
        let options = crate::Options {
            encoding: PageEncoding::Utf8,
            ..Default::default()
        };
        let html = String::from_utf8(crate::bundle(input, &options).unwrap().html).unwrap();
        let element = |chunk: usize| {
            let open = format!("data-window=\"0\" data-chunk=\"{chunk}\"");
            let at = html.find(&open).unwrap();
            let start = html[..at].rfind("<script").unwrap();
            let end = at + html[at..].find("</script>").unwrap() + "</script>".len();
            (start, &html[start..end])
        };
        assert!(
            element(2).0 < element(1).0,
            "the end comes before the middle"
        );
        let recording = &read_page(&html, Encoding::Utf8).unwrap()[0];
        let kinds: Vec<Vec<u64>> = recording.windows[0]
            .iter()
            .map(|json| {
                let events: Vec<Value> = serde_json::from_str(json).unwrap();
                events.iter().map(|e| e["type"].as_u64().unwrap()).collect()
            })
            .collect();
        assert_eq!(kinds, [vec![4, 2], vec![3], vec![4, 2]]);

        let twice = html.replacen(element(1).1, &element(1).1.repeat(2), 1);
        let err = read_page(&twice, Encoding::Utf8).unwrap_err().to_string();
        assert!(err.contains("holds chunk 2 of window 1 twice"), "{err}");
        let missing = html.replacen(element(1).1, "", 1);
        let err = read_page(&missing, Encoding::Utf8).unwrap_err().to_string();
        assert!(
            err.contains("should hold 3 (chunks per window), but holds 2"),
            "{err}"
        );
    }

    #[test]
    fn refuses_a_page_that_is_not_a_bundle() {
        assert!(!is_page("<!doctype html><title>x</title>"));
        assert!(!is_page(&"é".repeat(5000)));
        let err = read_page(
            "<!doctype html><script>alert(1)</script></html>",
            Encoding::Utf8,
        )
        .unwrap_err();
        assert!(err.to_string().contains("holds no recording"), "{err}");
    }
}
