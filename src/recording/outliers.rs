//! Outlier timestamps: a few events far outside the session's other events, which a wrong clock
//! gives (rrweb's own test data has one event 197 days after the rest; PostHog's iOS fixture a
//! network event 2.76 days before its session). Left in the timeline, one such event stretches a
//! few minutes of session into months of empty timeline.
//!
//! The rule: at either end of the recording, in time order, a run of at most [`MAX_OUTLIERS`]
//! events (and fewer than half of all) is an outlier run when the gap that parts it from the
//! other events is longer than [`MIN_GAP_MS`] (24 hours: PostHog ends a session after 24 hours,
//! so no gap in one of its sessions is as long) *and* [`GAP_FACTOR`] times longer than all the
//! other events span. An ordinary session's idle gaps, however long, are never outliers: a gap
//! under a day never is, nor one shorter than ten times the activity around it. Runs are
//! peeled off both ends until none is left.
//!
//! The recording keeps outliers (`extract` gives them back, and a page carries them); only its
//! timeline ([`super::Recording::timeline`]) leaves them out.

use super::{Window, display_window_id, event_type};
use crate::plural;

/// Most events at one end taken as outliers together: stray events, not a part of a session.
pub const MAX_OUTLIERS: usize = 16;

/// Shortest gap that can part outliers from the session: a day.
pub const MIN_GAP_MS: f64 = 24.0 * 3_600_000.0;

/// How many times longer than what the other events span the gap must be.
pub const GAP_FACTOR: f64 = 10.0;

/// The moments `[first, last]` the session's timeline spans, when some events lie far outside
/// them (see the module's rule); `None` when none does.
pub fn dense_span(windows: &[Window]) -> Option<(f64, f64)> {
    let n: usize = windows.iter().map(|w| w.events.len()).sum();
    let most = MAX_OUTLIERS.min(n.saturating_sub(1) / 2);
    if most == 0 {
        return None;
    }
    // The `most + 1` first and last moments of the whole recording (each window is in time
    // order, so only each window's own first and last ones can be among them).
    let take = most + 1;
    let mut first: Vec<f64> = windows
        .iter()
        .flat_map(|w| w.events.iter().take(take).map(|e| e.timestamp))
        .collect();
    let mut last: Vec<f64> = windows
        .iter()
        .flat_map(|w| w.events.iter().rev().take(take).map(|e| e.timestamp))
        .collect();
    first.sort_by(f64::total_cmp);
    first.truncate(take);
    last.sort_by(|a, b| b.total_cmp(a));
    last.truncate(take);
    // `first` ascends from the first moment, `last` descends from the last one.

    let (mut before, mut after) = (0, 0); // outliers found at each end
    loop {
        let mut changed = false;
        // A run at the start: first[before..=j] parted from first[j + 1] and what follows.
        let end = last[after];
        let split = (before..most - after)
            .filter(|&j| parts(first[j + 1] - first[j], end - first[j + 1]))
            .max_by(|&a, &b| (first[a + 1] - first[a]).total_cmp(&(first[b + 1] - first[b])));
        if let Some(j) = split {
            before = j + 1;
            changed = true;
        }
        // A run at the end: last[after..=j] parted from last[j + 1] and what precedes it.
        let start = first[before];
        let split = (after..most - before)
            .filter(|&j| parts(last[j] - last[j + 1], last[j + 1] - start))
            .max_by(|&a, &b| (last[a] - last[a + 1]).total_cmp(&(last[b] - last[b + 1])));
        if let Some(j) = split {
            after = j + 1;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    (before + after > 0).then(|| (first[before], last[after]))
}

/// Whether a gap parts outliers from events that span `rest`.
fn parts(gap: f64, rest: f64) -> bool {
    gap > MIN_GAP_MS && gap > GAP_FACTOR * rest
}

/// The warning that names the events left out of the timeline `[start, end]`.
pub fn warning(windows: &[Window], (start, end): (f64, f64)) -> String {
    let mut named = Vec::new();
    for window in windows {
        for event in &window.events {
            let t = event.timestamp;
            let (distance, side) = if t < start {
                (start - t, "before")
            } else if t > end {
                (t - end, "after")
            } else {
                continue;
            };
            named.push((
                t,
                format!(
                    "{} event of window {} at {} ({} {side} the rest)",
                    type_name(event.kind),
                    display_window_id(&window.id),
                    crate::inspect::rfc3339(t),
                    how_long(distance),
                ),
            ));
        }
    }
    named.sort_by(|a, b| a.0.total_cmp(&b.0));
    let names: Vec<String> = named.into_iter().map(|(_, name)| name).collect();
    format!(
        "left {} event{} far outside the session out of its timeline (they stay in the page's data, and `extract` gives them back): {}",
        names.len(),
        plural(names.len()),
        names.join("; ")
    )
}

fn type_name(kind: u8) -> &'static str {
    match kind {
        event_type::FULL_SNAPSHOT => "a full snapshot",
        event_type::INCREMENTAL_SNAPSHOT => "an incremental snapshot",
        event_type::META => "a Meta",
        event_type::CUSTOM => "a custom",
        event_type::PLUGIN => "a plugin",
        _ => "an",
    }
}

/// A long time in words: "2.8 days", "197 days", "30 hours".
fn how_long(ms: f64) -> String {
    let hours = ms / 3_600_000.0;
    if hours < 48.0 {
        format!("{hours:.0} hours")
    } else if hours < 240.0 {
        format!("{:.1} days", hours / 24.0)
    } else {
        format!("{:.0} days", hours / 24.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::{Event, EventJson};

    const DAY: f64 = 86_400_000.0;
    const MINUTE: f64 = 60_000.0;

    fn window(times: &[f64]) -> Window<'static> {
        Window {
            id: "w".to_owned(),
            events: times
                .iter()
                .map(|&timestamp| Event {
                    timestamp,
                    kind: 3,
                    source: Some(1),
                    json: EventJson::Owned("{}".into()),
                })
                .collect(),
        }
    }

    /// A busy session of `minutes`, an event a second, from `at`.
    fn session(at: f64, minutes: usize) -> Vec<f64> {
        (0..minutes * 60).map(|s| at + s as f64 * 1000.0).collect()
    }

    #[test]
    fn finds_one_event_long_after_the_rest_and_one_long_before() {
        let t0 = 1.7e12;
        let mut times = session(t0, 5);
        times.push(t0 + 197.0 * DAY);
        assert_eq!(dense_span(&[window(&times)]), Some((t0, t0 + 299_000.0)));
        // PostHog's iOS fixture: a network event 2.76 days before a Meta and snapshot of one ms.
        let ios = [t0 - 2.76 * DAY, t0, t0];
        assert_eq!(dense_span(&[window(&ios)]), Some((t0, t0)));
        // Both ends, in different windows.
        let a = window(&[t0 - 30.0 * DAY, t0, t0 + MINUTE]);
        let b = window(&[t0 + 2.0 * MINUTE, t0 + 3.0 * MINUTE, t0 + 400.0 * DAY]);
        assert_eq!(dense_span(&[a, b]), Some((t0, t0 + 3.0 * MINUTE)));
    }

    #[test]
    fn leaves_long_idle_gaps_of_ordinary_sessions_alone() {
        let t0 = 1.7e12;
        // 10 minutes, 20 hours idle, one click: under a day.
        let mut times = session(t0, 10);
        times.push(t0 + 20.0 * 3_600_000.0);
        assert_eq!(dense_span(&[window(&times)]), None);
        // Two busy hours, then 20 events 3 days later: more than a stray run.
        let mut times = session(t0, 120);
        times.extend((0..20).map(|i| t0 + 3.0 * DAY + f64::from(i)));
        assert_eq!(dense_span(&[window(&times)]), None);
        // A day of activity, then a click 2 days later: the gap is not ten times the day.
        let mut times: Vec<f64> = (0..24 * 60).map(|m| t0 + f64::from(m) * MINUTE).collect();
        times.push(t0 + 3.0 * DAY);
        assert_eq!(dense_span(&[window(&times)]), None);
        // Two halves far apart: neither is the session.
        let times = [t0, t0 + 1.0, t0 + 100.0 * DAY, t0 + 100.0 * DAY + 1.0];
        assert_eq!(dense_span(&[window(&times)]), None);
        // Too few events to tell.
        assert_eq!(dense_span(&[window(&[t0, t0 + 100.0 * DAY])]), None);
    }

    #[test]
    fn names_what_it_leaves_out() {
        let t0 = 1_700_000_000_000.0;
        let mut times = session(t0, 1);
        times.push(t0 + 197.0 * DAY);
        let windows = [window(&times)];
        let span = dense_span(&windows).unwrap();
        let warning = warning(&windows, span);
        assert!(
            warning.starts_with("left 1 event far outside the session out of its timeline"),
            "{warning}"
        );
        assert!(
            warning.contains(
                "an incremental snapshot event of window \"w\" at 2024-05-29T22:13:20.000Z (197 days after the rest)"
            ),
            "{warning}"
        );
    }
}
