#!/usr/bin/env bash
# Fetch a version of rrweb-player from the npm registry and vendor the files the page inlines.
#
#   vendor-player/fetch.sh [VERSION]     (default: the version in vendor-player/VERSION)
#
# Writes, beside this script: rrweb-player.min.js (the package's umd/rrweb-player.min.js),
# rrweb-player.css (its dist/style.css), VERSION, and SHA256SUMS over those files and LICENSE.
# The files are copied byte for byte; anything the page must not carry (the sourceMappingURL
# comment) is dropped when the page is rendered, not here, so the sums match the package.
# `cargo test` checks SHA256SUMS against the files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(cat "$here/VERSION")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "rrweb-player@$version" >/dev/null)
tar -xzf "$work/rrweb-player-$version.tgz" -C "$work"
cp "$work/package/umd/rrweb-player.min.js" "$here/rrweb-player.min.js"
cp "$work/package/dist/style.css" "$here/rrweb-player.css"
echo "$version" > "$here/VERSION"
(cd "$work" && npm view "rrweb-player@$version" dist.integrity) > "$here/NPM-INTEGRITY"
(cd "$here" && sha256sum rrweb-player.min.js rrweb-player.css LICENSE > SHA256SUMS)
echo "vendored rrweb-player $version into $here"
