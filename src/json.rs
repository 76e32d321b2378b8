//! JSON helpers for events of any depth.
//!
//! serde_json refuses values nested more than 128 levels by default, to protect its recursive
//! parser. Real pages are deeper than that in rrweb's serialized DOM (each element is an object
//! inside a `childNodes` array: two levels per element). So events are first measured with a
//! flat scan that cannot overflow, refused past [`MAX_DEPTH`], and then parsed with the limit off.

use anyhow::{Result, bail};
use serde::Deserialize;

/// Deepest nesting of arrays and objects an event may have: about 250 elements of DOM depth,
/// far beyond real pages, and shallow enough for the browser's recursive rebuild.
pub const MAX_DEPTH: usize = 512;

/// How deeply arrays and objects nest in a JSON text (0 for a scalar). Reads the bytes once,
/// without recursion, so any input is safe to measure.
pub fn nesting_depth(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in text {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn measures_nesting_outside_strings_only() {
        assert_eq!(nesting_depth(b"1"), 0);
        assert_eq!(nesting_depth(br#"{"a":[1,{"b":[]}]}"#), 4);
        assert_eq!(nesting_depth(br#"{"a":"[[[[\"{{"}"#), 1);
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
