//! Fuzzes the input readers and everything after them: any bytes are read (or refused) and, when
//! read, redacted and rendered, without a panic. Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run
//! read_input` from the repository root (see the README's development section).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = replay_html::Input::new(data.to_vec()) else {
        return;
    };
    if let Ok((_, recording)) = input.read() {
        let options = replay_html::Options {
            redaction: replay_html::Redaction {
                strip_network_bodies: true,
                mask_inputs: true,
                mask_text: true,
                mask_selectors: vec![".pii".parse().expect("a valid selector")],
                ..replay_html::Redaction::default()
            },
            ..replay_html::Options::default()
        };
        let _ = replay_html::write_page(&[recording], &options, std::io::sink());
    }
});
