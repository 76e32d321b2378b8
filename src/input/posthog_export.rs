//! PostHog's "Export to file" JSON (`export-<session>-ph-recording.json`).
//!
//! - version `2023-04-28`: `{"data": {"id", "person", "snapshots": [event...]}}`, each event
//!   carrying its window as `windowId` (a UUID string in older files, a small integer in newer
//!   ones); `id` may be absent.
//! - version `2022-12-02`: `{"data": {"person", "snapshotsByWindowId": {"<window>": [event...]}}}`.
//!
//! `person` may be null, or the bare word `undefined` (read as null by [`super::Input`]).

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::Format;
use crate::recording::{Recording, RecordingBuilder, Under};

/// An export's `data`, of either version.
#[derive(Deserialize)]
pub struct Data<'a> {
    id: Option<Value>,
    person: Option<Value>,
    /// Version 2023-04-28: every event, each with its `windowId`.
    #[serde(borrow)]
    snapshots: Option<Vec<&'a RawValue>>,
    /// Version 2022-12-02: the events of each window.
    #[serde(borrow, rename = "snapshotsByWindowId")]
    snapshots_by_window_id: Option<BTreeMap<String, Vec<&'a RawValue>>>,
}

/// An export's `data` member: read already, or still to read.
pub enum DataMember<'a> {
    Read(Data<'a>),
    Raw(&'a RawValue),
}

/// Reads a PostHog export: the `version` and `data` members of the document.
pub fn read<'a>(
    version: &RawValue,
    data: Option<DataMember<'a>>,
) -> Result<(Format, Recording<'a>)> {
    let (version, data) = match (serde_json::from_str::<Value>(version.get())?, data) {
        (Value::String(version), Some(data)) => (version, data),
        (Value::String(version), None) => bail!(
            "it is a PostHog export (version {version}) without its \"data\": the file is incomplete; export the recording again"
        ),
        (version, _) => bail!(
            "it looks like a PostHog export, but its version {version} is not one this tool reads (it reads 2023-04-28 and 2022-12-02)"
        ),
    };
    let (format, needs) = match version.as_str() {
        "2023-04-28" => (Format::PosthogExport20230428, "a \"snapshots\" array"),
        "2022-12-02" => (
            Format::PosthogExport20221202,
            "a \"snapshotsByWindowId\" object",
        ),
        other => bail!(
            "it is a PostHog export of version \"{other}\", which this tool does not read (it reads 2023-04-28 and 2022-12-02): \
             export the recording again from PostHog"
        ),
    };
    let wrong = || format!("its \"data\" is not that of a {version} export (it needs {needs})");
    let data = match data {
        DataMember::Read(data) => data,
        DataMember::Raw(raw) => serde_json::from_str(raw.get()).with_context(wrong)?,
    };
    let mut builder = RecordingBuilder::new();
    builder.session_id(id_text(data.id)).person(data.person);
    match (format, data.snapshots, data.snapshots_by_window_id) {
        (Format::PosthogExport20230428, Some(snapshots), _) => {
            builder.extend(&snapshots, Under::Own)
        }
        (Format::PosthogExport20221202, _, Some(windows)) => {
            for (window, events) in &windows {
                builder.extend(events, Under::Window(window));
            }
        }
        _ => bail!(wrong()),
    }
    Ok((format, builder.finish()?))
}

fn id_text(id: Option<Value>) -> Option<String> {
    match id? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::read_leaked as read;

    const SNAPSHOT: &str = r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":1000"#;

    #[test]
    fn reads_2023_04_28_with_integer_and_string_windows() {
        let input = format!(
            r#"{{"version":"2023-04-28","data":{{"id":"s-1","person":{{"name":"Ada"}},"snapshots":[{SNAPSHOT},"windowId":1}},{SNAPSHOT},"windowId":"w-b"}}]}}}}"#
        );
        let (format, rec) = read(input.as_bytes()).unwrap();
        assert_eq!(format, Format::PosthogExport20230428);
        assert_eq!(rec.session_id.as_deref(), Some("s-1"));
        assert_eq!(rec.person.as_ref().unwrap()["name"], "Ada");
        let ids: Vec<_> = rec.windows.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["1", "w-b"]);
    }

    #[test]
    fn reads_a_person_written_as_bare_undefined_and_no_id() {
        let input = format!(
            r#"{{"version":"2023-04-28","data":{{"person":undefined,"snapshots":[{SNAPSHOT}}}]}}}}"#
        );
        let (_, rec) = read(input.as_bytes()).unwrap();
        assert_eq!(rec.session_id, None);
        assert_eq!(rec.person, None);
    }

    #[test]
    fn reads_2022_12_02() {
        let input = format!(
            r#"{{"version":"2022-12-02","data":{{"person":null,"snapshotsByWindowId":{{"w-a":[{SNAPSHOT}}}]}}}}}}"#
        );
        let (format, rec) = read(input.as_bytes()).unwrap();
        assert_eq!(format, Format::PosthogExport20221202);
        assert_eq!(rec.windows[0].id, "w-a");
    }

    #[test]
    fn refuses_an_unknown_version_and_says_which() {
        let input = br#"{"version":"2031-01-01","data":{}}"#;
        let err = format!("{:#}", read(input).unwrap_err());
        assert!(
            err.contains("\"2031-01-01\"") && err.contains("2023-04-28"),
            "{err}"
        );
    }

    #[test]
    fn refuses_an_export_without_snapshots() {
        let input = br#"{"version":"2023-04-28","data":{"id":"x"}}"#;
        let err = format!("{:#}", read(input).unwrap_err());
        assert!(err.contains("needs a \"snapshots\" array"), "{err}");
    }

    #[test]
    fn refuses_an_object_that_is_no_export() {
        let err = format!("{:#}", read(br#"{"hello":"world"}"#).unwrap_err());
        assert!(err.contains("without a \"version\""), "{err}");
    }
}
