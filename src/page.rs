//! Rendering the page: the payload, the vendored player and the viewer, in one HTML file.
//!
//! `templates/page.html` is the only template; the viewer's script and styles
//! (`templates/viewer/`) and the player (`vendor-player/`) are inlined as they are. All of them
//! are compiled into the binary, so an installed `replay-html` needs no file beside it.

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};
use minijinja::{Environment, context};
use serde::Serialize;

use crate::payload::Payload;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static VENDOR_PLAYER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/vendor-player");

const PAGE_TEMPLATE: &str = "page.html";

/// What the page shows besides the recording.
#[derive(Debug, Clone)]
pub struct PageOptions<'a> {
    /// The page's title and heading.
    pub title: &'a str,
}

/// Renders the whole page.
pub fn render(payload: &Payload, options: &PageOptions) -> Result<String> {
    let mut env = Environment::new();
    env.add_template(PAGE_TEMPLATE, text_of(&TEMPLATES, PAGE_TEMPLATE)?)
        .context("the page template does not compile")?;
    let page = env.get_template(PAGE_TEMPLATE)?;
    let html = page
        .render(context! {
            title => options.title,
            generator => concat!("replay-html ", env!("CARGO_PKG_VERSION")),
            player_version => text_of(&VENDOR_PLAYER, "VERSION")?.trim(),
            player_css => inline_style(text_of(&VENDOR_PLAYER, "rrweb-player.css")?)?,
            player_js => inline_script(without_source_map(text_of(&VENDOR_PLAYER, "rrweb-player.min.js")?))?,
            viewer_css => inline_style(text_of(&TEMPLATES, "viewer/viewer.css")?)?,
            viewer_js => inline_script(viewer_script()?)?,
            summary_json => json_for_script(&payload.summary)?,
            window_data => &payload.window_data,
        })
        .context("could not render the page")?;
    Ok(html)
}

/// The viewer's scripts, in the order they run, in one function scope so that nothing but
/// `window.replayHtml` reaches the page's global scope.
fn viewer_script() -> Result<String> {
    const PARTS: [&str; 3] = ["viewer/decode.js", "viewer/player.js", "viewer/viewer.js"];
    let mut script = String::from("(() => {\n'use strict';\n");
    for part in PARTS {
        script.push_str(text_of(&TEMPLATES, part)?);
        script.push('\n');
    }
    script.push_str("})();\n");
    Ok(script)
}

fn text_of(dir: &'static Dir<'static>, path: &str) -> Result<&'static str> {
    dir.get_file(path)
        .and_then(|f| f.contents_utf8())
        .with_context(|| format!("the built-in file {path} is missing (the binary was built from an incomplete checkout)"))
}

/// The vendored script ends with a `sourceMappingURL` comment naming a file the page does not
/// carry; drop it so the page refers to nothing outside itself.
fn without_source_map(script: &str) -> &str {
    match script.rfind("\n//# sourceMappingURL=") {
        Some(at) => &script[..at],
        None => script,
    }
}

/// A script's text, checked to be safe inside `<script>`: nothing in it may end the element.
fn inline_script(script: impl Into<String>) -> Result<String> {
    let script = script.into();
    if contains_ignore_case(&script, "</script") || contains_ignore_case(&script, "<!--") {
        bail!("a built-in script holds \"</script\" or \"<!--\" and cannot be inlined");
    }
    Ok(script)
}

/// A stylesheet's text, checked to be safe inside `<style>`.
fn inline_style(style: &str) -> Result<&str> {
    if contains_ignore_case(style, "</style") {
        bail!("a built-in stylesheet holds \"</style\" and cannot be inlined");
    }
    Ok(style)
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// JSON that can sit inside a `<script type="application/json">` element whatever the strings
/// in it hold: `<`, `>` and `&` are written as `\u` escapes, which JSON.parse reads back as they were.
pub fn json_for_script(value: &impl Serialize) -> Result<String> {
    let json = serde_json::to_string(value).context("could not write the page's JSON")?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_for_script_cannot_end_the_element() {
        let text =
            json_for_script(&json!({"t": "</script><img src=x onerror=alert(1)>&amp;"})).unwrap();
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["t"], "</script><img src=x onerror=alert(1)>&amp;");
    }

    #[test]
    fn drops_the_source_map_comment() {
        assert_eq!(without_source_map("a()\n//# sourceMappingURL=x.map"), "a()");
        let player = without_source_map(text_of(&VENDOR_PLAYER, "rrweb-player.min.js").unwrap());
        assert!(!player.contains("//# sourceMappingURL=rrweb-player"));
    }

    #[test]
    fn refuses_a_script_that_would_end_its_element() {
        assert!(inline_script("let a = '</SCRIPT>';").is_err());
        assert!(inline_script("let a = 1 < 2;").is_ok());
    }
}
