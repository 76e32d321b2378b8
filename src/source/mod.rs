//! Sources of input bytes beyond local files and standard input ([`crate::files`]): each
//! fetches a recording's bytes from somewhere and hands them, with what the source says about
//! the recording ([`crate::recording::Metadata`]), to the same readers as a file
//! ([`crate::input::Input`]).
//!
//! | source | module |
//! |---|---|
//! | PostHog's API: a replay's URL, a project's replay list, a shared link | [`posthog`] |

pub mod posthog;
