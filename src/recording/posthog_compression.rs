//! posthog-js event compression (`"cv": "2024-10"`).
//!
//! posthog-js replaces the bulky fields of some events with a string holding
//! `gzip(JSON.stringify(value))`, one byte per character (U+0000..U+00FF), and marks the event
//! with `"cv": "2024-10"`. The compressed fields are:
//! - FullSnapshot (type 2): the whole `data`;
//! - Mutation (type 3, source 0): each of `data.texts`, `data.attributes`, `data.removes`, `data.adds`;
//! - StyleSheetRule (type 3, source 8): `data.adds` and `data.removes`.
//!
//! Expanding an event puts each field's JSON text in place of its string and drops `cv` (and
//! `windowId`), editing the event's text rather than rebuilding it: the rest of the event stays
//! byte for byte as it was. An event with another `cv` value is not compressed by this scheme
//! and is passed through as it is.

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;

use anyhow::{Context, Result, bail};
use flate2::read::GzDecoder;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{event_type, source};
use crate::json;

/// The `cv` value of the only compression posthog-js has shipped, as JSON text.
pub const CV_2024_10: &str = "\"2024-10\"";

/// Largest JSON text one compressed field may expand to. Real fields are a few megabytes;
/// the bound stops a small crafted field from exhausting memory.
pub const MAX_FIELD_BYTES: u64 = 512 * 1024 * 1024;

/// The fields of an incremental snapshot's `data` posthog-js compresses, by its source.
fn compressible_fields(source: Option<u8>) -> &'static [&'static str] {
    match source {
        Some(source::MUTATION) => &["texts", "attributes", "removes", "adds"],
        Some(source::STYLE_SHEET_RULE) => &["adds", "removes"],
        _ => &[],
    }
}

/// The members of a compressed event that expanding it touches.
#[derive(Deserialize)]
struct Compressed<'a> {
    #[serde(rename = "type")]
    kind: u8,
    #[serde(borrow)]
    cv: &'a RawValue,
    #[serde(
        borrow,
        default,
        rename = "windowId",
        deserialize_with = "json::present"
    )]
    window_id: Option<&'a RawValue>,
    #[serde(borrow)]
    data: &'a RawValue,
}

/// The fields of a compressed incremental snapshot's `data` that may be compressed.
#[derive(Deserialize)]
struct IncrementalFields<'a> {
    source: Option<u8>,
    #[serde(borrow)]
    texts: Option<&'a RawValue>,
    #[serde(borrow)]
    attributes: Option<&'a RawValue>,
    #[serde(borrow)]
    removes: Option<&'a RawValue>,
    #[serde(borrow)]
    adds: Option<&'a RawValue>,
}

impl<'a> IncrementalFields<'a> {
    /// The compressible fields present, by name.
    fn named(&self) -> [(&'static str, Option<&'a RawValue>); 4] {
        [
            ("texts", self.texts),
            ("attributes", self.attributes),
            ("removes", self.removes),
            ("adds", self.adds),
        ]
    }
}

/// A FullSnapshot's `data`, expanded: it must hold a serialized page.
#[derive(Deserialize)]
struct SnapshotData<'a> {
    #[serde(borrow)]
    node: &'a RawValue,
}

/// The text of a compressed event, expanded, without its `cv` and `windowId` members.
pub fn expand_event(text: &str) -> Result<String> {
    // serde's messages may quote the damaged data: say what is wrong without them.
    let event: Compressed = serde_json::from_str(text).map_err(|_| {
        anyhow::anyhow!("the event is not a compressed rrweb event (type, cv and data)")
    })?;
    if event.cv.get() != CV_2024_10 {
        bail!(
            "it is compressed as {}, which this tool does not know",
            event.cv.get()
        );
    }
    let mut edits: Vec<(Range<usize>, Cow<str>)> = Vec::new();
    for (key, value) in [("cv", Some(event.cv)), ("windowId", event.window_id)] {
        if let Some(value) = value {
            match json::member_span(text, value.get(), key) {
                Some(span) => edits.push((span, Cow::Borrowed(""))),
                // A key written unusually (escaped): rewrite the whole event instead.
                None => return expand_by_rewriting(text),
            }
        }
    }
    match event.kind {
        event_type::FULL_SNAPSHOT => {
            let expanded = expand_field(event.data).context("its snapshot \"data\"")?;
            if let Some(expanded) = &expanded {
                let data: Option<SnapshotData> = serde_json::from_str(expanded).ok();
                if !data.is_some_and(|data| data.node.get().starts_with('{')) {
                    bail!("its snapshot \"data\" holds no serialized page (\"node\")");
                }
            }
            edits.extend(splice(text, event.data, expanded));
        }
        event_type::INCREMENTAL_SNAPSHOT => {
            let fields: IncrementalFields = serde_json::from_str(event.data.get())
                .map_err(|_| anyhow::anyhow!("its \"data\" is not an object"))?;
            let compressible = compressible_fields(fields.source);
            for (name, value) in fields.named() {
                if let Some(value) = value.filter(|_| compressible.contains(&name)) {
                    let expanded =
                        expand_field(value).with_context(|| format!("its \"{name}\""))?;
                    edits.extend(splice(text, value, expanded));
                }
            }
        }
        _ => {}
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len() * 4);
    let mut at = 0;
    for (span, replacement) in edits {
        out.push_str(&text[at..span.start]);
        out.push_str(&replacement);
        at = span.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// The edit that puts an expanded field in place of its compressed string.
fn splice<'t>(
    text: &str,
    value: &RawValue,
    expanded: Option<String>,
) -> Option<(Range<usize>, Cow<'t, str>)> {
    Some((json::span_in(text, value.get())?, Cow::Owned(expanded?)))
}

/// The JSON text a compressed field holds, checked to be JSON a browser can rebuild; `None`
/// for a field that is not a string (it was not compressed).
fn expand_field(value: &RawValue) -> Result<Option<String>> {
    if !value.get().starts_with('"') {
        return Ok(None);
    }
    let packed: Cow<str> = serde_json::from_str(value.get())
        .map_err(|_| anyhow::anyhow!("the compressed text is not a valid JSON string"))?;
    let text = inflate_field(&packed, MAX_FIELD_BYTES)?;
    // (Syntax errors and depth do not quote the text.)
    json::from_str_within_depth::<IgnoredAny>(&text)
        .context("the decompressed text is not JSON")?;
    Ok(Some(text))
}

/// Latin-1 characters to bytes, checked to be gzip data.
fn field_bytes(packed: &str) -> Result<Vec<u8>> {
    let bytes = packed
        .chars()
        .map(|c| u8::try_from(u32::from(c)))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| {
            anyhow::anyhow!("the compressed text holds a character above U+00FF, so it is not posthog-js compression")
        })?;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        bail!("the compressed text is not gzip data");
    }
    Ok(bytes)
}

/// Decodes one compressed field to its JSON text: latin-1 characters to bytes, gunzip.
fn inflate_field(packed: &str, max_bytes: u64) -> Result<String> {
    let bytes = field_bytes(packed)?;
    let mut json = Vec::new();
    GzDecoder::new(bytes.as_slice())
        .take(max_bytes + 1)
        .read_to_end(&mut json)
        .context("the compressed text is not valid gzip data")?;
    if json.len() as u64 > max_bytes {
        bail!("the compressed text expands to more than {max_bytes} bytes");
    }
    String::from_utf8(json).context("the decompressed text is not UTF-8")
}

/// [`expand_event`] for an event whose keys are written unusually: parses the whole event and
/// writes it anew.
fn expand_by_rewriting(text: &str) -> Result<String> {
    let mut event: Map<String, Value> =
        json::from_str_within_depth(text).context("the event is not a JSON object")?;
    event.remove("cv");
    event.remove("windowId");
    let small_number = |value: Option<&Value>| value?.as_u64()?.try_into().ok();
    let kind: Option<u8> = small_number(event.get("type"));
    let data = event.get_mut("data").context("the event has no \"data\"")?;
    let expand = |value: &mut Value| -> Result<()> {
        if let Value::String(packed) = value {
            *value = json::from_str_within_depth(&inflate_field(packed, MAX_FIELD_BYTES)?)?;
        }
        Ok(())
    };
    match kind {
        Some(event_type::FULL_SNAPSHOT) => {
            expand(data).context("its snapshot \"data\"")?;
            if !data.get("node").is_some_and(Value::is_object) {
                bail!("its snapshot \"data\" holds no serialized page (\"node\")");
            }
        }
        Some(event_type::INCREMENTAL_SNAPSHOT) => {
            for &field in compressible_fields(small_number(data.get("source"))) {
                if let Some(value) = data.get_mut(field) {
                    expand(value).with_context(|| format!("its \"{field}\""))?;
                }
            }
        }
        _ => {}
    }
    Ok(serde_json::to_string(&event)?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use serde_json::json;
    use std::io::Write;

    /// Compresses a value the way posthog-js does.
    pub(crate) fn pack(value: &Value) -> String {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(value.to_string().as_bytes()).unwrap();
        gz.finish().unwrap().into_iter().map(char::from).collect()
    }

    fn expand(event: &Value) -> Result<Value> {
        Ok(serde_json::from_str(&expand_event(&event.to_string())?).unwrap())
    }

    #[test]
    fn expands_a_full_snapshot_in_place() {
        let data = json!({"node": {"type": 0, "childNodes": [], "id": 1}, "initialOffset": {"left": 0, "top": 0}});
        let text = format!(
            r#"{{"type":2,"data":{},"timestamp":5,"cv":"2024-10","windowId":"w"}}"#,
            json!(pack(&data))
        );
        assert_eq!(
            expand_event(&text).unwrap(),
            format!(r#"{{"type":2,"data":{data},"timestamp":5}}"#)
        );
    }

    #[test]
    fn expands_the_fields_of_a_mutation_and_leaves_plain_ones() {
        let adds = json!([{"parentId": 1, "node": {"type": 3, "textContent": "héllo ✓"}}]);
        let event = json!({"type": 3, "timestamp": 5, "cv": "2024-10",
            "data": {"source": 0, "adds": pack(&adds), "texts": pack(&json!([])), "removes": [], "attributes": []}});
        let out = expand(&event).unwrap();
        assert_eq!(out["data"]["adds"], adds);
        assert_eq!(out["data"]["texts"], json!([]));
        assert_eq!(out["data"]["removes"], json!([]));
        assert!(out.get("cv").is_none());
    }

    #[test]
    fn expands_style_sheet_rules() {
        let adds = json!([{"rule": "a{color:red}"}]);
        let event = json!({"type": 3, "timestamp": 5, "cv": "2024-10", "data": {"source": 8, "id": 3, "adds": pack(&adds)}});
        assert_eq!(expand(&event).unwrap()["data"]["adds"], adds);
    }

    #[test]
    fn rewrites_an_event_whose_keys_are_escaped() {
        let data = json!({"node": {"type": 0, "childNodes": []}});
        let text = format!(
            r#"{{"type":2,"data":{},"timestamp":5,"c\u0076":"2024-10"}}"#,
            json!(pack(&data))
        );
        let out: Value = serde_json::from_str(&expand_event(&text).unwrap()).unwrap();
        assert_eq!(out, json!({"type": 2, "data": data, "timestamp": 5}));
    }

    #[test]
    fn refuses_a_snapshot_without_a_page() {
        let event =
            json!({"type": 2, "data": pack(&json!({"nodes": 1})), "timestamp": 5, "cv": "2024-10"});
        let err = format!("{:#}", expand(&event).unwrap_err());
        assert!(err.contains("no serialized page"), "{err}");
        // Also when its keys are escaped, and it is expanded by rewriting.
        let escaped = format!(
            r#"{{"type":2,"data":{},"timestamp":5,"c\u0076":"2024-10"}}"#,
            json!(pack(&json!({"nodes": 1})))
        );
        let err = format!("{:#}", expand_event(&escaped).unwrap_err());
        assert!(err.contains("no serialized page"), "{err}");
    }

    #[test]
    fn refuses_characters_above_latin1() {
        let err = inflate_field("\u{1f}\u{8b}€", 10).unwrap_err();
        assert!(err.to_string().contains("above U+00FF"));
    }

    #[test]
    fn refuses_text_that_is_not_gzip() {
        let err = inflate_field("hello", 10).unwrap_err();
        assert!(err.to_string().contains("not gzip"));
    }

    #[test]
    fn bounds_what_a_field_expands_to() {
        // 8 MiB of zeros compresses to about 8 KiB: a small bomb against a 1 MiB bound.
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&vec![b'0'; 8 * 1024 * 1024]).unwrap();
        let packed: String = gz.finish().unwrap().into_iter().map(char::from).collect();
        let err = inflate_field(&packed, 1024 * 1024).unwrap_err();
        assert!(
            err.to_string()
                .contains("expands to more than 1048576 bytes"),
            "{err}"
        );
    }
}
