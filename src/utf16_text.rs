//! Binary data as text that can sit inside a `<script>` element of a UTF-16 page, at one
//! character for two bytes: about 3% larger than the data, where [`base122`](crate::base122)
//! (for UTF-8 pages) is 14% larger.
//!
//! The data is read as little-endian 16-bit words, and each word is written as the UTF-16 code
//! unit of the same value: the page's bytes are the data's own bytes. The exceptions are the
//! words the HTML parser would not hand back unchanged inside a script element:
//!
//! | word | why |
//! |---|---|
//! | 0x0000 | the parser turns NUL into U+FFFD |
//! | 0x000D | the parser turns CR (and CR LF) into LF |
//! | 0x003C `<` | it could start `</script` or `<!--` |
//! | 0xD800..=0xDFFF | a lone surrogate is not a character: the decoder makes it U+FFFD |
//!
//! Each of those, and the escape U+0001 itself, is written as U+0001 followed by the word with
//! its top bit flipped, which is none of them. A last odd byte `b` is written as U+0001
//! followed by `U+0100 + b`, which no flipped word is. Random data (compressed data is)
//! needs an escape for 2,052 words in 65,536: 3.1%.
//!
//! `templates/viewer/decode.js` holds the decoder the page uses.

/// The escape: the next character is a word with its top bit flipped, or a last odd byte.
const ESCAPE: u16 = 0x0001;
/// The bit an escaped word has flipped.
const FLIP: u16 = 0x8000;
/// First character after an escape that stands for a last odd byte.
const LAST_BYTE: u16 = 0x0100;

/// Whether a word must be escaped.
fn needs_escape(word: u16) -> bool {
    matches!(word, 0x0000 | ESCAPE | 0x000D | 0x003C | 0xD800..=0xDFFF)
}

/// Encodes bytes as UTF-16LE text (the bytes of the text, without a byte-order mark).
pub fn encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 16 + 4);
    let mut unit = |unit: u16| out.extend_from_slice(&unit.to_le_bytes());
    let mut pairs = data.chunks_exact(2);
    for pair in &mut pairs {
        let word = u16::from_le_bytes([pair[0], pair[1]]);
        if needs_escape(word) {
            unit(ESCAPE);
            unit(word ^ FLIP);
        } else {
            unit(word);
        }
    }
    if let [last] = pairs.remainder() {
        unit(ESCAPE);
        unit(LAST_BYTE + u16::from(*last));
    }
    out
}

/// Decodes text written by [`encode`], as the page's reader has it (characters, not bytes);
/// `None` if it is not such text.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut units = text.chars().map(|c| u16::try_from(u32::from(c)).ok());
    while let Some(unit) = units.next() {
        let word = match unit? {
            ESCAPE => {
                let next = units.next()??;
                if (LAST_BYTE..LAST_BYTE + 0x100).contains(&next) {
                    // A last odd byte ends the data.
                    out.push((next - LAST_BYTE) as u8);
                    return units.next().is_none().then_some(out);
                }
                let word = next ^ FLIP;
                if !needs_escape(word) {
                    return None;
                }
                word
            }
            word => word,
        };
        out.extend_from_slice(&word.to_le_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The characters of UTF-16LE bytes, as a reader of the page gets them.
    fn characters(bytes: &[u8]) -> String {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16(&units).expect("encode writes whole characters")
    }

    #[test]
    fn keeps_the_bytes_of_words_that_need_no_escape() {
        assert_eq!(encode(b"ab\x00\xe0"), b"ab\x00\xe0");
    }

    #[test]
    fn escapes_what_the_parser_would_change() {
        for word in [
            0x0000u16, 0x0001, 0x000D, 0x003C, 0xD800, 0xDBFF, 0xDC00, 0xDFFF,
        ] {
            let data = word.to_le_bytes();
            let text = characters(&encode(&data));
            assert_eq!(text.chars().count(), 2, "{word:#06x}");
            assert!(
                !text.contains(['\0', '\r', '<']),
                "{word:#06x} is written as {text:?}"
            );
            assert_eq!(decode(&text).unwrap(), data);
        }
    }

    #[test]
    fn writes_a_last_odd_byte_after_an_escape() {
        let text = characters(&encode(b"abc"));
        assert_eq!(text, "\u{6261}\u{1}\u{163}");
        assert_eq!(decode(&text).unwrap(), b"abc");
    }

    #[test]
    fn costs_about_three_percent_on_random_data() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let data: Vec<u8> = (0..1 << 20)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let ratio = encode(&data).len() as f64 / data.len() as f64;
        assert!((1.02..1.04).contains(&ratio), "{ratio}");
    }

    #[test]
    fn refuses_text_it_did_not_write() {
        assert_eq!(decode("\u{1}"), None, "an escape with nothing after it");
        assert_eq!(
            decode("\u{1}a"),
            None,
            "an escape before a word that needs none"
        );
        assert_eq!(decode("\u{1}\u{163}a"), None, "data after a last odd byte");
        assert_eq!(decode("\u{10000}"), None, "a character beyond 16 bits");
    }

    proptest! {
        #[test]
        fn decodes_what_it_encodes(data in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let text = characters(&encode(&data));
            prop_assert!(!text.contains(['\0', '\r', '<']));
            prop_assert_eq!(decode(&text), Some(data));
        }
    }
}
