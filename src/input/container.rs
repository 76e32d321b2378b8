//! What an input may be wrapped in, taken off before its format is read:
//!
//! - gzip (a saved download, a proxy capture), found by its magic bytes;
//! - PostHog's snapshot API body with `decompress=false`: for each stored block, a 4-byte
//!   big-endian length and that many bytes of raw (unframed) snappy data;
//! - one raw snappy block (PostHog's long-term storage);
//! - an old posthog-js request body sent as a form, `data=<base64 of the JSON>`.
//!
//! Snappy blocks hold JSONL: they are joined with line breaks.

use std::fmt;
use std::io::Read;

use anyhow::{Context, Result, bail};
use base64::Engine;

/// What an input was wrapped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Plain,
    Gzip,
    SnappyBlocks,
    Snappy,
    Base64Form,
}

impl fmt::Display for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Container::Plain => "plain",
            Container::Gzip => "gzip",
            Container::SnappyBlocks => "snappy blocks",
            Container::Snappy => "snappy",
            Container::Base64Form => "base64 form",
        })
    }
}

/// Most a snappy block may expand to, for each byte of it: snappy cannot compress more than
/// about 32 to 1, so a block that claims more is damaged (or crafted).
const MAX_SNAPPY_RATIO: usize = 64;

/// The environment variable that sets [`max_input_bytes`].
pub const MAX_INPUT_VARIABLE: &str = "REPLAY_HTML_MAX_INPUT";

/// Most bytes one input may hold, read or expanded from gzip: 16 GiB, or what
/// `REPLAY_HTML_MAX_INPUT` says (bytes, or with a suffix K, M, G, T: `64G`). It stops an
/// endless input (`/dev/zero`) or a small gzip bomb from taking all the memory.
pub fn max_input_bytes() -> u64 {
    const DEFAULT: u64 = 16 << 30;
    let Ok(text) = std::env::var(MAX_INPUT_VARIABLE) else {
        return DEFAULT;
    };
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let shift = match unit {
        'K' => 10,
        'M' => 20,
        'G' => 30,
        'T' => 40,
        _ => 0,
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .unwrap_or(DEFAULT)
}

/// The error for an input larger than [`max_input_bytes`].
pub fn too_large(limit: u64) -> anyhow::Error {
    anyhow::anyhow!(
        "it holds more than {limit} bytes, the most replay-html reads of one input (set {MAX_INPUT_VARIABLE}, for example {MAX_INPUT_VARIABLE}=64G, to allow more)"
    )
}

/// Fails early on bytes no input starts with (zeros, say), before an endless input is read.
/// `head` is the first bytes of the input (up to 64 KiB).
pub fn check_start(head: &[u8]) -> Result<()> {
    if head.is_empty()
        || head.starts_with(&[0x1f, 0x8b])
        || head.starts_with(b"data=")
        || looks_like_text(head)
        || head.iter().any(|&b| b >= 0x80 || (b >= 0x20 && b != 0x7f))
    {
        return Ok(());
    }
    let length = head
        .first_chunk::<4>()
        .map_or(0, |l| u32::from_be_bytes(*l));
    let snappy_length = snap::raw::decompress_len(head).unwrap_or(0);
    if length == 0 && snappy_length == 0 {
        bail!(
            "it starts with {} control bytes, which no recording starts with: expected {}",
            head.len(),
            super::SUPPORTED
        );
    }
    Ok(())
}

/// Most deflate can shrink data, about 1032 to 1: a gzip input cannot expand to more than this
/// many bytes for each of its own.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// gzip data expanded, members after members (`cat a.gz b.gz`), to at most `limit` bytes.
/// Bytes after the last member that do not start another one are left out, as `gzip -d` does:
/// zeros (tape and block padding) silently, anything else with the warning returned.
/// The last member's trailer tells the expanded size (modulo 4 GiB): the buffer is made that
/// large at once, so that expanding takes the expanded size, not twice it while growing.
fn gunzip(bytes: &[u8], limit: u64) -> Result<(Vec<u8>, Option<String>)> {
    let hint = bytes
        .last_chunk::<4>()
        .map_or(0, |size| u64::from(u32::from_le_bytes(*size)))
        .min(limit)
        .min((bytes.len() as u64).saturating_mul(MAX_DEFLATE_RATIO));
    let mut out = Vec::with_capacity(hint as usize);
    let mut rest = bytes;
    let mut members = 0;
    loop {
        let mut member = flate2::bufread::GzDecoder::new(rest);
        let room = limit.saturating_add(1).saturating_sub(out.len() as u64);
        (&mut member)
            .take(room)
            .read_to_end(&mut out)
            .context("it starts like gzip data but does not decompress")?;
        if out.len() as u64 > limit {
            return Err(too_large(limit));
        }
        rest = member.into_inner();
        members += 1;
        if !rest.starts_with(&[0x1f, 0x8b]) {
            break;
        }
    }
    let warning = (!rest.iter().all(|&b| b == 0)).then(|| {
        format!(
            "ignored {} byte{} of trailing garbage after the gzip data (as gzip -d does; the {} expanded whole)",
            rest.len(),
            crate::plural(rest.len()),
            if members == 1 { "data" } else { "members" },
        )
    });
    Ok((out, warning))
}

/// An input's bytes with their wrapping taken off.
pub struct Unwrapped {
    pub container: Container,
    pub bytes: Vec<u8>,
    /// Problems in the wrapping that were recovered from (trailing garbage after gzip data).
    pub warnings: Vec<String>,
}

/// Takes the wrapping off an input's bytes.
pub fn unwrap(bytes: Vec<u8>) -> Result<Unwrapped> {
    let plain = |container, bytes| Unwrapped {
        container,
        bytes,
        warnings: Vec::new(),
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let limit = max_input_bytes();
        let (mut out, warning) = gunzip(&bytes, limit)?;
        drop(bytes);
        let mut warnings: Vec<String> = warning.into_iter().collect();
        // gzip inside gzip (compressed twice on the way): expanded again, a few times at most.
        for _ in 0..3 {
            if !out.starts_with(&[0x1f, 0x8b]) {
                break;
            }
            let (inner, warning) = gunzip(&out, limit)?;
            out = inner;
            warnings.extend(warning);
        }
        return Ok(Unwrapped {
            container: Container::Gzip,
            bytes: out,
            warnings,
        });
    }
    if let Some(form) = bytes.strip_prefix(b"data=") {
        return Ok(plain(Container::Base64Form, base64_form(form)?));
    }
    if looks_like_text(&bytes) {
        return Ok(plain(Container::Plain, bytes));
    }
    if let Some(text) = snappy_blocks(&bytes) {
        return Ok(plain(Container::SnappyBlocks, text?));
    }
    match snappy(&bytes) {
        Some(text) => Ok(plain(Container::Snappy, text)),
        None => Ok(plain(Container::Plain, bytes)),
    }
}

/// Whether the bytes start like a text the readers take (JSON, JSONL, a page, perhaps after a
/// byte-order mark), rather than binary data.
fn looks_like_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b) => {
            matches!(b, b'{' | b'[' | b'<' | b'"')
                || bytes.starts_with(&[0xff, 0xfe])
                || bytes.starts_with(&[0xfe, 0xff])
        }
    }
}

/// Length-prefixed snappy blocks, if the lengths tile the whole input exactly; `Some(Err)` if
/// they do but a block does not decompress.
fn snappy_blocks(bytes: &[u8]) -> Option<Result<Vec<u8>>> {
    let mut blocks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (length, after) = rest.split_first_chunk::<4>()?;
        let length = u32::from_be_bytes(*length) as usize;
        if length == 0 || length > after.len() {
            return None;
        }
        blocks.push(&after[..length]);
        rest = &after[length..];
    }
    if blocks.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let text = match snappy(block) {
            Some(text) => text,
            None => {
                return Some(Err(anyhow::anyhow!(
                    "it looks like snappy blocks, but block {} of {} does not decompress",
                    i + 1,
                    blocks.len()
                )));
            }
        };
        if !out.is_empty() && !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.extend_from_slice(&text);
    }
    Some(Ok(out))
}

/// One raw snappy block, decompressed, if it is one.
fn snappy(block: &[u8]) -> Option<Vec<u8>> {
    let claimed = snap::raw::decompress_len(block).ok()?;
    if claimed > block.len().saturating_mul(MAX_SNAPPY_RATIO) {
        return None;
    }
    snap::raw::Decoder::new().decompress_vec(block).ok()
}

/// The JSON of a form body `data=<base64>` (URL-encoded, perhaps with other fields after).
fn base64_form(form: &[u8]) -> Result<Vec<u8>> {
    let value = form.split(|&b| b == b'&').next().unwrap_or_default();
    let mut decoded = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'%' => {
                let hex = value
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                let Some(byte) = byte else {
                    bail!("it is a form body (data=...) whose value is not URL-encoded");
                };
                decoded.push(byte);
                i += 3;
            }
            b'+' => {
                decoded.push(b' ');
                i += 1;
            }
            byte => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    let decoded: Vec<u8> = decoded
        .into_iter()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(&decoded)
        .context("it is a form body (data=...) whose value is not base64")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snappy_block(text: &[u8]) -> Vec<u8> {
        snap::raw::Encoder::new().compress_vec(text).unwrap()
    }

    #[test]
    fn takes_off_snappy_blocks_and_a_lone_block() {
        let (a, b) = (
            snappy_block(b"[\"w\",{\"a\":1}]"),
            snappy_block(b"[\"w\",{\"b\":2}]\n"),
        );
        let mut framed = Vec::new();
        for block in [&a, &b] {
            framed.extend((block.len() as u32).to_be_bytes());
            framed.extend(block);
        }
        let out = unwrap(framed).unwrap();
        assert_eq!(out.container, Container::SnappyBlocks);
        assert_eq!(out.bytes, b"[\"w\",{\"a\":1}]\n[\"w\",{\"b\":2}]\n");
        let out = unwrap(a).unwrap();
        assert_eq!(
            (out.container, out.bytes.as_slice()),
            (Container::Snappy, &b"[\"w\",{\"a\":1}]"[..])
        );
    }

    #[test]
    fn takes_off_a_base64_form() {
        // base64 of [1] is WzFd; '=' padding arrives URL-encoded.
        let out = unwrap(b"data=WzFd&compression=base64".to_vec()).unwrap();
        assert_eq!(
            (out.container, out.bytes.as_slice()),
            (Container::Base64Form, &b"[1]"[..])
        );
        let out = unwrap(b"data=eyJhIjoxfQ%3D%3D".to_vec()).unwrap();
        assert_eq!(out.bytes, b"{\"a\":1}");
    }

    #[test]
    fn leaves_text_and_unknown_binary_alone() {
        for bytes in [
            &b"  {\"a\":1}"[..],
            b"\xef\xbb\xbf[1]",
            b"",
            b"\x00\x00\x00\x09garbage",
        ] {
            let out = unwrap(bytes.to_vec()).unwrap();
            assert_eq!(
                (out.container, out.bytes),
                (Container::Plain, bytes.to_vec())
            );
        }
    }
}
