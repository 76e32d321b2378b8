// Loads posthog-js (served from node_modules by record.mjs) against this same origin.
window.posthog.init('phc_replay_html_demo_token', {
  api_host: window.location.origin,
  person_profiles: 'identified_only',
  capture_pageview: 'history_change',
  disable_surveys: true,
  session_recording: {
    // cv "2024-10" event compression is the default; stated here so it stays on.
    compress_events: true,
  },
});
// posthog-js never records network requests on localhost / 127.0.0.1 unless told to; this is the
// switch its own deprecation message points to. It is copied when the lazy recorder loads.
if (window.posthog.sessionRecording) {
  window.posthog.sessionRecording._forceAllowLocalhostNetworkCapture = true;
}
