//! Sources of input bytes beyond local files and standard input ([`crate::files`]): each
//! fetches a recording's bytes from somewhere and hands them, with what the source says about
//! the recording ([`crate::recording::Metadata`]), to the same readers as a file
//! ([`crate::input::Input`]).
//!
//! | source | module |
//! |---|---|
//! | PostHog's API: a replay's URL, a project's replay list, a shared link | [`posthog`] |
//! | Object storage: `s3://`, `gs://`, `az://` objects, prefixes and patterns (and pages written there) | [`object_storage`] |

mod aws_profile;
pub mod object_storage;
pub mod posthog;
