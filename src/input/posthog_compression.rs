//! posthog-js event compression (`"cv": "2024-10"`).
//!
//! posthog-js replaces the bulky fields of some events with a string holding
//! `gzip(JSON.stringify(value))`, one byte per character (U+0000..U+00FF), and marks the event
//! with `"cv": "2024-10"`. The compressed fields are:
//! - FullSnapshot (type 2): the whole `data`;
//! - Mutation (type 3, source 0): each of `data.texts`, `data.attributes`, `data.removes`, `data.adds`;
//! - StyleSheetRule (type 3, source 8): `data.adds` and `data.removes`.
//!
//! An event with another `cv` value is passed through as it is.

use std::io::Read;

use anyhow::{Context, Result, bail};
use flate2::read::GzDecoder;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::json;

/// The only compression version posthog-js has shipped.
pub const VERSION_2024_10: &str = "2024-10";

/// Largest JSON text one compressed field may expand to. Real fields are a few megabytes;
/// the bound stops a small crafted field from exhausting memory.
pub const MAX_FIELD_BYTES: u64 = 512 * 1024 * 1024;

const MUTATION_FIELDS: [&str; 4] = ["texts", "attributes", "removes", "adds"];
const STYLE_SHEET_FIELDS: [&str; 2] = ["adds", "removes"];
const SOURCE_MUTATION: u64 = 0;
const SOURCE_STYLE_SHEET_RULE: u64 = 8;

/// Returns the event with its compressed fields expanded and `cv` removed.
/// `cv` is the raw value of the event's `cv` field.
pub fn decompress_event(raw: &RawValue, cv: &RawValue) -> Result<Box<RawValue>> {
    if cv.get() != format!("\"{VERSION_2024_10}\"") {
        return Ok(raw.to_owned());
    }
    let mut event: Map<String, Value> =
        json::from_str_within_depth(raw.get()).context("the event is not a JSON object")?;
    event.remove("cv");
    let kind = event.get("type").and_then(Value::as_u64);
    let data = event.get_mut("data").context("the event has no \"data\"")?;
    match kind {
        Some(2) => expand(data).context("its snapshot \"data\"")?,
        Some(3) => {
            let source = data.get("source").and_then(Value::as_u64);
            let fields: &[&str] = match source {
                Some(SOURCE_MUTATION) => &MUTATION_FIELDS,
                Some(SOURCE_STYLE_SHEET_RULE) => &STYLE_SHEET_FIELDS,
                _ => &[],
            };
            for &field in fields {
                if let Some(value) = data.get_mut(field) {
                    expand(value).with_context(|| format!("its \"{field}\""))?;
                }
            }
        }
        _ => {}
    }
    let text = serde_json::to_string(&event).context("could not write the expanded event")?;
    RawValue::from_string(text).context("could not write the expanded event")
}

/// Replaces a compressed string with the value it holds. A value that is not a string was not
/// compressed and is left alone.
fn expand(value: &mut Value) -> Result<()> {
    if let Value::String(packed) = value {
        *value = decode_field(packed)?;
    }
    Ok(())
}

/// Decodes one compressed field: latin-1 characters to bytes, gunzip, parse JSON.
pub fn decode_field(packed: &str) -> Result<Value> {
    decode_field_bounded(packed, MAX_FIELD_BYTES)
}

fn decode_field_bounded(packed: &str, max_bytes: u64) -> Result<Value> {
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
    let mut json = Vec::new();
    GzDecoder::new(bytes.as_slice())
        .take(max_bytes + 1)
        .read_to_end(&mut json)
        .context("the compressed text is not valid gzip data")?;
    if json.len() as u64 > max_bytes {
        bail!("the compressed text expands to more than {max_bytes} bytes");
    }
    let text = std::str::from_utf8(&json).context("the decompressed text is not UTF-8")?;
    json::from_str_within_depth(text).context("the decompressed text is not JSON")
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

    fn decompress(event: &Value) -> Result<Value> {
        let raw = RawValue::from_string(event.to_string()).unwrap();
        let cv = RawValue::from_string(event["cv"].to_string()).unwrap();
        Ok(serde_json::from_str(decompress_event(&raw, &cv)?.get()).unwrap())
    }

    #[test]
    fn expands_a_full_snapshot() {
        let data =
            json!({"node": {"type": 0, "childNodes": []}, "initialOffset": {"left": 0, "top": 0}});
        let event = json!({"type": 2, "data": pack(&data), "timestamp": 5, "cv": "2024-10"});
        assert_eq!(
            decompress(&event).unwrap(),
            json!({"type": 2, "data": data, "timestamp": 5})
        );
    }

    #[test]
    fn expands_the_fields_of_a_mutation_and_leaves_plain_ones() {
        let adds = json!([{"parentId": 1, "node": {"type": 3, "textContent": "héllo ✓"}}]);
        let event = json!({"type": 3, "timestamp": 5, "cv": "2024-10",
            "data": {"source": 0, "adds": pack(&adds), "texts": pack(&json!([])), "removes": [], "attributes": []}});
        let out = decompress(&event).unwrap();
        assert_eq!(out["data"]["adds"], adds);
        assert_eq!(out["data"]["texts"], json!([]));
        assert_eq!(out["data"]["removes"], json!([]));
        assert!(out.get("cv").is_none());
    }

    #[test]
    fn expands_style_sheet_rules() {
        let adds = json!([{"rule": "a{color:red}"}]);
        let event = json!({"type": 3, "timestamp": 5, "cv": "2024-10", "data": {"source": 8, "id": 3, "adds": pack(&adds)}});
        assert_eq!(decompress(&event).unwrap()["data"]["adds"], adds);
    }

    #[test]
    fn leaves_an_unknown_version_alone() {
        let event = json!({"type": 2, "data": "opaque", "timestamp": 5, "cv": "2099-01"});
        assert_eq!(decompress(&event).unwrap(), event);
    }

    #[test]
    fn refuses_characters_above_latin1() {
        let err = decode_field("\u{1f}\u{8b}€").unwrap_err();
        assert!(err.to_string().contains("above U+00FF"));
    }

    #[test]
    fn refuses_text_that_is_not_gzip() {
        let err = decode_field("hello").unwrap_err();
        assert!(err.to_string().contains("not gzip"));
    }

    #[test]
    fn bounds_what_a_field_expands_to() {
        // 8 MiB of zeros compresses to about 8 KiB: a small bomb against a 1 MiB bound.
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&vec![b'0'; 8 * 1024 * 1024]).unwrap();
        let packed: String = gz.finish().unwrap().into_iter().map(char::from).collect();
        let err = decode_field_bounded(&packed, 1024 * 1024).unwrap_err();
        assert!(
            err.to_string()
                .contains("expands to more than 1048576 bytes"),
            "{err}"
        );
    }
}
