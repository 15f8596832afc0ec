#!/usr/bin/env bash
# Builds better-sqlite3 for Electron's ABI into build-electron/, beside (not over) the Node build
# the CLI and the tests use. The desktop app loads it through PARALLAX_SQLITE_BINDING.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-electron/better_sqlite3.node
electron_version=$(node -p "require('electron/package.json').version")
stamp=build-electron/electron-version
if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$electron_version" ]; then exit 0; fi
rm -rf build-electron/src && mkdir -p build-electron/src
cp -r node_modules/better-sqlite3/. build-electron/src/
(cd build-electron/src && npx --yes node-gyp rebuild --release \
  --target="$electron_version" --dist-url=https://electronjs.org/headers --nodedir= )
cp build-electron/src/build/Release/better_sqlite3.node "$out"
echo "$electron_version" > "$stamp"
