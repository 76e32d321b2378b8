//! JSON helpers: parsing events of any depth, and editing an event's text in place of
//! rewriting it.
//!
//! serde_json refuses values nested more than 128 levels by default, to protect its recursive
//! parser. Real pages are deeper than that in rrweb's serialized DOM (each element is an object
//! inside a `childNodes` array: two levels per element). So an event that must be parsed into a
//! tree is first measured with a flat scan that cannot overflow, refused past [`MAX_DEPTH`], and
//! then parsed with the limit off. (Skipping a value, or borrowing it as a `RawValue`, does not
//! recurse in serde_json: reading a few fields of an event is safe at any depth.)

use std::ops::Range;

use anyhow::{Result, bail};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Deepest nesting of arrays and objects an event may have: about 250 elements of DOM depth,
/// far beyond real pages, and shallow enough for the browser's recursive rebuild.
pub const MAX_DEPTH: usize = 512;

/// How deeply arrays and objects nest in a JSON text (0 for a scalar). Reads the bytes once,
/// without recursion, so any input is safe to measure; strings, most of an event's bytes, are
/// crossed with `memchr` rather than byte by byte.
pub fn nesting_depth(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(&byte) = text.get(at) {
        match byte {
            b'"' => match string_end(text, at + 1) {
                Some((end, _)) => at = end,
                None => return deepest,
            },
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    deepest
}

/// The position of the quote that ends a JSON string whose text starts at `from` (just after
/// its opening quote), stepping over escaped characters with `memchr`, and whether the string
/// holds an escape. `None` if the text ends first.
pub fn string_end(bytes: &[u8], mut from: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        let at = from + memchr::memchr2(b'"', b'\\', bytes.get(from..)?)?;
        if bytes[at] == b'"' {
            return Some((at, escaped));
        }
        escaped = true;
        from = at + 2;
    }
}

/// Parses JSON known to nest at most [`MAX_DEPTH`] levels, without serde_json's 128-level limit.
pub fn from_str_within_depth<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T> {
    let depth = nesting_depth(text.as_bytes());
    if depth > MAX_DEPTH {
        bail!("it is nested {depth} levels deep, more than the {MAX_DEPTH} a browser can rebuild");
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let value = T::deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Where `part`, a slice of `text` (as serde_json borrows values from the text it parses), sits
/// in `text`.
pub fn span_in(text: &str, part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= text.len()).then_some(start..end)
}

/// Replaces each lone surrogate escape of a JSON text (`\\ud83d` not followed by its low half, or
/// a low half alone) by `\\ufffd`, in place: browsers' `JSON.parse` takes them, serde_json
/// refuses them in a string it decodes. The replacement has the same length and is ASCII, so
/// the text stays valid UTF-8 (it is not checked again) and every offset stays where it was.
/// Returns how many it replaced.
pub fn replace_lone_surrogates(text: &mut String) -> usize {
    fn hex4(bytes: &[u8]) -> Option<u16> {
        let digits = std::str::from_utf8(bytes.get(..4)?).ok()?;
        u16::from_str_radix(digits, 16).ok()
    }
    let mut replaced = 0;
    let mut i = 0;
    // `i` may step past the end (a backslash as the last byte): `get` ends the loop there.
    while let Some(at) = text
        .as_bytes()
        .get(i..)
        .and_then(|rest| memchr::memchr(b'\\', rest))
    {
        i += at;
        if text.as_bytes().get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        let Some(unit) = hex4(&text.as_bytes()[i + 2..]) else {
            i += 2;
            continue;
        };
        let high = (0xd800..0xdc00).contains(&unit);
        let low = (0xdc00..0xe000).contains(&unit);
        let paired = high
            && text.as_bytes().get(i + 6..i + 8) == Some(b"\\u")
            && hex4(&text.as_bytes()[i + 8..]).is_some_and(|u| (0xdc00..0xe000).contains(&u));
        if paired {
            i += 12;
        } else if high || low {
            // Six ASCII bytes for six: `i` and `i + 6` are character boundaries.
            text.replace_range(i..i + 6, "\\ufffd");
            replaced += 1;
            i += 6;
        } else {
            i += 6;
        }
    }
    replaced
}

/// For `#[serde(deserialize_with)]`: a member's value as it is written, `null` included (serde
/// reads a `null` `Option` as `None`, which would leave a `"windowId": null` uncut).
pub fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<&'de RawValue>, D::Error> {
    <&RawValue as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// The span of the member `"key": value` of the JSON object `object`, with the comma that
/// joins it to its neighbour, so that removing the span leaves a valid object. `value` is the
/// member's value as a slice of `object`. Returns `None` when the text before the value is not
/// `"key":` written plainly (an escaped key, say).
pub fn member_span(object: &str, value: &str, key: &str) -> Option<Range<usize>> {
    let value = span_in(object, value)?;
    let before_value = object[..value.start]
        .trim_end()
        .strip_suffix(':')?
        .trim_end();
    let key_start = before_value.strip_suffix(&format!("\"{key}\""))?.len();
    let head = object[..key_start].trim_end();
    if let Some(head) = head.strip_suffix(',') {
        // Not the first member: take the comma before it.
        return Some(head.len()..value.end);
    }
    // The first member: take the comma after it, if another member follows.
    let tail = &object[value.end..];
    let after = tail.len() - tail.trim_start().len();
    let end = match tail.trim_start().strip_prefix(',') {
        Some(rest) => object.len() - rest.trim_start().len(),
        None => value.end + after,
    };
    Some(key_start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use serde_json::value::RawValue;

    /// The object without the member whose value is the `key` field.
    fn without(object: &str, key: &str) -> Option<String> {
        #[derive(Deserialize)]
        struct Field<'a> {
            #[serde(borrow, rename = "windowId")]
            value: &'a RawValue,
        }
        assert_eq!(key, "windowId");
        let field: Field = serde_json::from_str(object).unwrap();
        let span = member_span(object, field.value.get(), key)?;
        Some(format!("{}{}", &object[..span.start], &object[span.end..]))
    }

    #[test]
    fn replaces_only_lone_surrogate_escapes() {
        let mut text =
            r#"["\ud83d", "\ud83d\ude00", "\\ud83d", "\udc00x", "\u00e9", "\ud83d\u0041"]"#
                .to_owned();
        assert_eq!(replace_lone_surrogates(&mut text), 3);
        assert_eq!(
            text,
            r#"["\ufffd", "\ud83d\ude00", "\\ud83d", "\ufffdx", "\u00e9", "\ufffd\u0041"]"#
        );
        let values: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(values[0], "\u{fffd}");
    }

    #[test]
    fn removes_a_member_wherever_it_stands() {
        for (object, expected) in [
            (r#"{"windowId":1,"type":2}"#, r#"{"type":2}"#),
            (r#"{"type":2,"windowId":"a"}"#, r#"{"type":2}"#),
            (
                r#"{"type":2, "windowId" : "a" , "t":1}"#,
                r#"{"type":2 , "t":1}"#,
            ),
            (r#"{ "windowId" : [1,2] , "t":1}"#, r#"{ "t":1}"#),
            (r#"{"windowId":1}"#, r#"{}"#),
        ] {
            assert_eq!(without(object, "windowId").as_deref(), Some(expected));
            let back: Value = serde_json::from_str(expected).unwrap();
            assert!(back.get("windowId").is_none());
        }
        assert_eq!(without(r#"{"window\u0049d":1,"t":1}"#, "windowId"), None);
    }

    #[test]
    fn measures_nesting_outside_strings_only() {
        assert_eq!(nesting_depth(b"1"), 0);
        assert_eq!(nesting_depth(br#"{"a":[1,{"b":[]}]}"#), 4);
        assert_eq!(nesting_depth(br#"{"a":"[[[[\"{{"}"#), 1);
        assert_eq!(nesting_depth(br#"["\\",["\\\"[",[]]]"#), 3);
        // Cut short inside a string, or on an escape: no panic.
        assert_eq!(nesting_depth(br#"[["abc"#), 2);
        assert_eq!(nesting_depth(br#"[["abc\"#), 2);
    }

    #[test]
    fn parses_deeper_than_serde_json_would_and_refuses_past_the_bound() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(serde_json::from_str::<Value>(&deep(300)).is_err());
        assert!(from_str_within_depth::<Value>(&deep(300)).is_ok());
        let err = from_str_within_depth::<Value>(&deep(100_000)).unwrap_err();
        assert!(
            err.to_string().contains("nested 100000 levels deep"),
            "{err}"
        );
    }
}
