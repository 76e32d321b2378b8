//! AWS's shared files, `~/.aws/credentials` and `~/.aws/config`, which the AWS CLI and SDKs read
//! and `object_store` does not: a profile's keys, region and endpoint, for `s3://` URLs.
//!
//! The profile is `AWS_PROFILE` (or `AWS_DEFAULT_PROFILE`), else `default`; the files are
//! `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`, else those two under the home folder.
//! As with the AWS CLI, the credentials file's `[name]` section wins over the config file's
//! `[profile name]` (`[default]` for the default profile), and the environment wins over both: a
//! profile fills in only what the variables leave out.
//!
//! Profiles whose credentials come from elsewhere (an assumed role, SSO, an external process)
//! are not followed: replay-html says so and how to export the keys instead.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

/// What a profile gives: each field as set in its files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Profile {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// The keys of a profile that get credentials some other way than keys in the file.
const INDIRECT_CREDENTIALS: [&str; 6] = [
    "role_arn",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
    "credential_source",
];

/// The profile the environment selects, read from the shared files; `None` when neither file
/// has it and it was not asked for by name (no `AWS_PROFILE`).
pub fn load() -> Result<Option<Profile>> {
    load_from(&|name| std::env::var_os(name))
}

/// [`load`], with the environment given as a lookup (for the tests).
fn load_from(env: &dyn Fn(&str) -> Option<OsString>) -> Result<Option<Profile>> {
    let text = |name: &str| {
        env(name)
            .and_then(|value| value.into_string().ok())
            .filter(|value| !value.is_empty())
    };
    let named = text("AWS_PROFILE").or_else(|| text("AWS_DEFAULT_PROFILE"));
    let name = named.clone().unwrap_or_else(|| "default".to_owned());
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .map(PathBuf::from);
    let file = |variable: &str, default: &str| {
        env(variable)
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|home| home.join(".aws").join(default)))
    };
    let credentials_file = file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    let config_file = file("AWS_CONFIG_FILE", "config");

    let section = |path: &Option<PathBuf>,
                   header: &str|
     -> Result<Option<HashMap<String, String>>> {
        let Some(path) = path else { return Ok(None) };
        match std::fs::read_to_string(path) {
            Ok(contents) => Ok(parse(&contents).remove(header)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err)
                .with_context(|| format!("could not read the AWS profile file {}", path.display())),
        }
    };
    let config_header = if name == "default" {
        "default".to_owned()
    } else {
        format!("profile {name}")
    };
    let credentials = section(&credentials_file, &name)?;
    let config = section(&config_file, &config_header)?;
    if credentials.is_none() && config.is_none() {
        if named.is_some() {
            bail!(
                "the AWS profile {name:?} (from AWS_PROFILE) is in neither {} nor {}: check its name, or unset AWS_PROFILE and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                shown(&credentials_file),
                shown(&config_file)
            );
        }
        return Ok(None);
    }
    let value = |key: &str| {
        [&credentials, &config]
            .into_iter()
            .flatten()
            .find_map(|section| section.get(key))
            .filter(|value| !value.is_empty())
            .cloned()
    };
    let profile = Profile {
        access_key_id: value("aws_access_key_id"),
        secret_access_key: value("aws_secret_access_key"),
        session_token: value("aws_session_token"),
        region: value("region"),
        endpoint_url: value("endpoint_url"),
    };
    let keys_in_environment = text("AWS_ACCESS_KEY_ID").is_some();
    let indirect = INDIRECT_CREDENTIALS.iter().find(|key| value(key).is_some());
    if let (None, false, Some(indirect)) = (&profile.access_key_id, keys_in_environment, indirect) {
        bail!(
            "the AWS profile {name:?} gets its credentials through {indirect}, which replay-html does not follow: export them first, for example with eval \"$(aws configure export-credentials --profile {name} --format env)\""
        );
    }
    Ok(Some(profile))
}

fn shown(path: &Option<PathBuf>) -> String {
    path.as_ref().map_or_else(
        || "~/.aws (no home folder)".to_owned(),
        |path| path.display().to_string(),
    )
}

/// The sections of an AWS shared file, by header, each a map of its `key = value` lines.
/// Comments start with `#` or `;`; an indented line belongs to a nested block (`s3 =` followed
/// by indented settings) and is passed over.
fn parse(contents: &str) -> HashMap<String, HashMap<String, String>> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in contents.lines() {
        let indented = line.starts_with([' ', '\t']);
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(header) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            let header = header.split_whitespace().collect::<Vec<_>>().join(" ");
            sections.entry(header.clone()).or_default();
            current = Some(header);
        } else if let (Some(section), false, Some((key, value))) =
            (&current, indented, line.split_once('='))
        {
            sections
                .entry(section.clone())
                .or_default()
                .entry(key.trim().to_ascii_lowercase())
                .or_insert_with(|| value.trim().to_owned());
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_files(
        credentials: &str,
        config: &str,
        vars: &[(&str, &str)],
    ) -> (tempfile::TempDir, Result<Option<Profile>>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".aws")).unwrap();
        std::fs::write(dir.path().join(".aws/credentials"), credentials).unwrap();
        std::fs::write(dir.path().join(".aws/config"), config).unwrap();
        let mut env: HashMap<String, OsString> = vars
            .iter()
            .map(|(name, value)| (name.to_string(), OsString::from(value)))
            .collect();
        env.insert("HOME".to_owned(), dir.path().as_os_str().to_owned());
        let profile = load_from(&|name| env.get(name).cloned());
        (dir, profile)
    }

    const CREDENTIALS: &str = "\
# keys
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret

[ci]
aws_access_key_id=AKIDCI
aws_secret_access_key = ci-secret
aws_session_token = ci-token
";
    const CONFIG: &str = "\
[default]
region = eu-west-1

[profile ci]
region = us-east-2
endpoint_url = http://minio.internal:9000
s3 =
  addressing_style = path
  region = nested-not-this

[profile assumed]
role_arn = arn:aws:iam::123456789012:role/replays
source_profile = default
";

    #[test]
    fn the_default_profile_joins_both_files() {
        let (_dir, profile) = with_files(CREDENTIALS, CONFIG, &[]);
        assert_eq!(
            profile.unwrap().unwrap(),
            Profile {
                access_key_id: Some("AKIDDEFAULT".into()),
                secret_access_key: Some("default-secret".into()),
                session_token: None,
                region: Some("eu-west-1".into()),
                endpoint_url: None,
            }
        );
    }

    #[test]
    fn aws_profile_names_the_profile_and_nested_blocks_are_passed_over() {
        let (_dir, profile) = with_files(CREDENTIALS, CONFIG, &[("AWS_PROFILE", "ci")]);
        assert_eq!(
            profile.unwrap().unwrap(),
            Profile {
                access_key_id: Some("AKIDCI".into()),
                secret_access_key: Some("ci-secret".into()),
                session_token: Some("ci-token".into()),
                region: Some("us-east-2".into()),
                endpoint_url: Some("http://minio.internal:9000".into()),
            }
        );
    }

    #[test]
    fn a_missing_named_profile_is_an_error_and_a_missing_default_is_none() {
        let (_dir, profile) = with_files(CREDENTIALS, CONFIG, &[("AWS_PROFILE", "prod")]);
        let message = profile.unwrap_err().to_string();
        assert!(message.starts_with("the AWS profile \"prod\" (from AWS_PROFILE) is in neither"));
        let (_dir, profile) = with_files("", "", &[]);
        assert_eq!(profile.unwrap(), None);
    }

    #[test]
    fn a_role_profile_says_how_to_export_its_keys_unless_the_environment_has_them() {
        let (_dir, profile) = with_files(CREDENTIALS, CONFIG, &[("AWS_PROFILE", "assumed")]);
        let message = profile.unwrap_err().to_string();
        assert!(message.contains("through role_arn"), "{message}");
        assert!(message.contains("aws configure export-credentials --profile assumed"));
        let (_dir, profile) = with_files(
            CREDENTIALS,
            CONFIG,
            &[("AWS_PROFILE", "assumed"), ("AWS_ACCESS_KEY_ID", "AKIDENV")],
        );
        assert_eq!(profile.unwrap().unwrap().access_key_id, None);
    }
}
