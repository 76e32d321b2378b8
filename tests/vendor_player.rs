//! The vendored player is what `vendor-player/SHA256SUMS` says it is.

mod common;

use sha2::{Digest, Sha256};

#[test]
fn vendored_files_match_their_recorded_sums() {
    let dir = common::repo().join("vendor-player");
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let mut checked = Vec::new();
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (sum, name) = line
            .split_once("  ")
            .expect("sha256sum format: SUM, two spaces, NAME");
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let actual = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        assert_eq!(
            actual, sum,
            "{name} differs from vendor-player/SHA256SUMS; rerun vendor-player/fetch.sh"
        );
        checked.push(name.to_owned());
    }
    checked.sort();
    assert_eq!(
        checked,
        ["LICENSE", "rrweb-player.css", "rrweb-player.min.js"]
    );
}

#[test]
fn the_pinned_version_is_2_1_7() {
    let version = std::fs::read_to_string(common::repo().join("vendor-player/VERSION")).unwrap();
    assert_eq!(version.trim(), "2.1.7");
}
