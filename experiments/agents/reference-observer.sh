#!/bin/sh
# Reference observer launcher: honours the MicroSentinel agent's CLI (--config, --metrics-port).
# A test double for the real agent binary, which cannot run here; see reference-observer.ts.
here=$(cd "$(dirname "$0")" && pwd)
exec node --import "$here/../../node_modules/tsx/dist/loader.mjs" "$here/reference-observer.ts" "$@"
