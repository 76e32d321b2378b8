//! posthog-js capture requests, as a proxy in front of PostHog's `/s/` endpoint saves them.
//!
//! A request body is a JSON array of capture events, `{"batch": [...]}`, or one capture event
//! (the gzip or base64 transport encodings are undone by [`super::Input`]). A session
//! recording's capture event is
//! `{"event": "$snapshot", "properties": {"$session_id", "$window_id", "$snapshot_data": [rrweb events], "distinct_id", ...}}`;
//! PostHog's capture service renames `$snapshot_data` to `$snapshot_items` before storage, and
//! old SDKs sent one rrweb event (not a list) a capture event. Other capture events (page
//! views, clicks, ...) are not part of the recording and are passed over.
//!
//! A session's events are spread over many requests, so requests are read together
//! ([`Sessions`]), and their events grouped by `$session_id`.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::recording::{Recording, RecordingBuilder, Under};

/// A capture event: only what a recording needs of it.
#[derive(Deserialize)]
struct CaptureEvent<'a> {
    event: Option<String>,
    #[serde(borrow)]
    properties: Option<Properties<'a>>,
}

#[derive(Deserialize)]
struct Properties<'a> {
    #[serde(rename = "$session_id")]
    session_id: Option<String>,
    #[serde(borrow, rename = "$window_id")]
    window_id: Option<&'a RawValue>,
    #[serde(borrow, rename = "$snapshot_data")]
    data: Option<&'a RawValue>,
    #[serde(borrow, rename = "$snapshot_items")]
    items: Option<&'a RawValue>,
    distinct_id: Option<Value>,
}

/// Whether an entry of a request body is a capture event (`{"event", "properties"}`).
pub fn is_capture_event(entry: &RawValue) -> bool {
    #[derive(Deserialize)]
    struct Keys<'a> {
        #[serde(borrow)]
        event: Option<&'a RawValue>,
        #[serde(borrow)]
        properties: Option<&'a RawValue>,
    }
    // (serde would also read a list as the struct's members, in order.)
    entry.get().starts_with('{')
        && serde_json::from_str::<Keys>(entry.get())
            .is_ok_and(|k| k.event.is_some() && k.properties.is_some())
}

/// Capture requests read so far, their recording events grouped by session.
#[derive(Default)]
pub struct Sessions<'a> {
    sessions: BTreeMap<String, Session<'a>>,
    /// Capture events that are not recording events, passed over.
    other_events: usize,
}

struct Session<'a> {
    builder: RecordingBuilder<'a>,
    distinct_id: Option<Value>,
    /// Indexes of the requests that hold its events.
    sources: Vec<usize>,
}

impl<'a> Sessions<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the capture events of one request body, the `source`th input.
    pub fn add(&mut self, entries: &[&'a RawValue], source: usize) -> Result<()> {
        let mut recording_events = 0;
        for entry in entries {
            let event = match entry.get().starts_with('{') {
                true => serde_json::from_str::<CaptureEvent>(entry.get()).ok(),
                false => None,
            };
            let Some(event) = event else {
                self.other_events += 1;
                continue;
            };
            let Some(properties) = event
                .properties
                .filter(|_| event.event.as_deref() == Some("$snapshot"))
            else {
                self.other_events += 1;
                continue;
            };
            let Some(snapshots) = properties.data.or(properties.items) else {
                self.other_events += 1;
                continue;
            };
            recording_events += 1;
            let session_id = properties.session_id.unwrap_or_default();
            let under = match properties.window_id {
                Some(window) => Under::RawWindow(window),
                None => Under::Window(""),
            };
            let session = self.sessions.entry(session_id.clone()).or_insert_with(|| {
                let mut builder = RecordingBuilder::new();
                builder.session_id(Some(session_id));
                Session {
                    builder,
                    distinct_id: None,
                    sources: Vec::new(),
                }
            });
            if !session.sources.contains(&source) {
                session.sources.push(source);
            }
            if session.distinct_id.is_none() {
                session.distinct_id = properties.distinct_id.filter(|d| !d.is_null());
            }
            match snapshots.get().as_bytes().first() {
                Some(b'[') => {
                    let events: Vec<&RawValue> = serde_json::from_str(snapshots.get())?;
                    session.builder.extend(&events, under);
                }
                _ => session.builder.push(snapshots, under),
            }
        }
        if recording_events == 0 {
            bail!(
                "it is a posthog-js capture request, but holds no session recording events (\"$snapshot\"); \
                 give the bodies of requests to /s/"
            );
        }
        Ok(())
    }

    /// One recording per session, in session id order, with the inputs it came from.
    pub fn finish(self) -> Vec<(Vec<usize>, Result<Recording<'a>>)> {
        let other_events = self.other_events;
        self.sessions
            .into_values()
            .map(|mut session| {
                if let Some(id) = session.distinct_id {
                    session
                        .builder
                        .person(Some(serde_json::json!({ "distinct_ids": [id] })));
                }
                if other_events > 0 {
                    session.builder.warn(format!(
                        "passed over {other_events} capture event{} that are not session recording events",
                        crate::plural(other_events)
                    ));
                }
                (session.sources, session.builder.finish())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str =
        r#"{"type":2,"data":{"node":{"type":0,"childNodes":[]}},"timestamp":1000}"#;

    fn capture(session: &str, window: &str, events: &str) -> String {
        format!(
            r#"{{"event":"$snapshot","properties":{{"$session_id":"{session}","$window_id":"{window}","$snapshot_data":{events},"distinct_id":"ada"}}}}"#
        )
    }

    fn entries(body: &str) -> Vec<&RawValue> {
        crate::input::tests::capture_entries(body).expect("a capture request body")
    }

    #[test]
    fn groups_requests_by_session_and_passes_over_other_events() {
        let first = format!(
            r#"[{},{},{{"event":"$pageview","properties":{{"$session_id":"a"}}}}]"#,
            capture("a", "w1", &format!("[{SNAPSHOT}]")),
            capture("b", "w1", &format!("[{SNAPSHOT}]")),
        );
        // An old SDK's single event, and the stored name of the property.
        let second = format!(
            r#"{{"batch":[{}]}}"#,
            capture("a", "w2", SNAPSHOT).replace("$snapshot_data", "$snapshot_items")
        );
        let mut sessions = Sessions::new();
        sessions.add(&entries(&first), 0).unwrap();
        sessions.add(&entries(&second), 1).unwrap();
        let read: Vec<_> = sessions
            .finish()
            .into_iter()
            .map(|(sources, r)| (sources, r.unwrap()))
            .collect();
        assert_eq!(read.len(), 2);
        let (sources, a) = &read[0];
        assert_eq!(sources, &[0, 1]);
        assert_eq!(a.session_id.as_deref(), Some("a"));
        assert_eq!(
            a.windows.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(),
            ["w1", "w2"]
        );
        assert_eq!(a.person.as_ref().unwrap()["distinct_ids"][0], "ada");
        assert!(
            a.warnings[0].contains("passed over 1 capture event"),
            "{:?}",
            a.warnings
        );
        assert_eq!(read[1].1.session_id.as_deref(), Some("b"));
    }

    #[test]
    fn refuses_a_request_without_recording_events() {
        let body = r#"[{"event":"$pageview","properties":{"$session_id":"a"}}]"#;
        let err = Sessions::new().add(&entries(body), 0).unwrap_err();
        assert!(
            err.to_string().contains("no session recording events"),
            "{err}"
        );
    }
}
