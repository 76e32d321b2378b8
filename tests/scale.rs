//! Time that grows with the shape of a recording: alone in its own test binary, so that no
//! other test competes for the cores while it measures (a ratio in the same run, never an
//! absolute time).

use replay_html::Input;
use replay_html::payload::Payload;

/// A recording of `n` windows, one after the other with a pause between them.
fn many_windows(n: usize) -> Input {
    let events: Vec<String> = (0..n)
        .flat_map(|w| {
            let t = 1000 + 20 * w;
            [
                format!(
                    r#"{{"type":4,"data":{{"href":"https://a/","width":10,"height":10}},"timestamp":{t},"windowId":"w{w}"}}"#
                ),
                format!(
                    r#"{{"type":2,"data":{{"node":{{"type":0,"childNodes":[],"id":1}}}},"timestamp":{t},"windowId":"w{w}"}}"#
                ),
                format!(
                    r#"{{"type":3,"data":{{"source":2,"type":2,"id":1,"x":1,"y":1}},"timestamp":{},"windowId":"w{w}"}}"#,
                    t + 5
                ),
            ]
        })
        .collect();
    Input::new(format!("[{}]", events.join(",")).into_bytes()).unwrap()
}

/// Summing up a recording for its page takes time in proportion to its windows, not their
/// square: 8 times the windows take about 8 times as long (44 times, when it was quadratic).
#[test]
fn sums_up_many_windows_in_linear_time() {
    let time = |input: &Input| {
        let (_, recording) = input.read().unwrap();
        (0..3)
            .map(|_| {
                let started = std::time::Instant::now();
                let payload = Payload::new(&recording, "t").unwrap();
                assert_eq!(payload.summary.windows.len(), recording.windows.len());
                started.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let (small, large) = (many_windows(1000), many_windows(8000));
    let ratio = time(&large) / time(&small);
    assert!(
        ratio < 24.0,
        "8 times the windows took {ratio:.1} times as long"
    );
}
