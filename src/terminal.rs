//! Text printed for people: what the recording holds (session ids, URLs, console lines, window
//! ids) reaches a terminal, where control characters would clear the screen, set the title or
//! fake other output. They are shown escaped instead (JSON output stays exact JSON).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character must not reach a terminal as it is: C0 and C1 control characters
/// (escape sequences start with them) other than the line feed, and the bidirectional
/// overrides that make text read otherwise than it is.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The text with every unsafe character written as an escape (`\x1b`, `\u{202e}`).
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(
            printable("plain, with é and\nlines"),
            "plain, with é and\nlines"
        );
        assert_eq!(
            printable("\x1b]0;owned\x07\x1b[2J"),
            "\\x1b]0;owned\\x07\\x1b[2J"
        );
        assert_eq!(printable("a\rb\u{9b}c\u{202e}d"), "a\\x0db\\x9bc\\u{202e}d");
    }
}
