#!/usr/bin/env bash
# Sync the workload programs into the generator node's remote workdir ("sync the repo
# with rsync"), as the testbed user. node_modules is linked, not copied: the namespace shares
# this machine's filesystem.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
user=${TESTBED_USER:-harness-gen}
home=$(getent passwd "$user" | cut -d: -f6)
[ -n "$home" ] || { echo "sync-workdir: user $user does not exist; run: bash testbed/testbed.sh up" >&2; exit 1; }
workdir="$home/MicroSentinel"
mkdir -p "$workdir/experiments" "$workdir/artifacts/remote"
if command -v rsync >/dev/null; then
  rsync -a --delete "$repo/experiments/workloads/" "$workdir/experiments/workloads/"
else
  rm -rf "$workdir/experiments/workloads" && cp -a "$repo/experiments/workloads" "$workdir/experiments/workloads"
fi
cp "$repo/package.json" "$workdir/package.json"
ln -sfn "$repo/node_modules" "$workdir/node_modules"
chown -R "$user:" "$workdir" 2>/dev/null || chown -R "$user" "$workdir"
# The testbed user must be able to read the linked node_modules (a+rX on the path to it).
d="$repo"
while [ "$d" != "/" ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
echo "sync-workdir: $workdir is up to date ($(du -sh "$workdir/experiments/workloads" | cut -f1) of workloads)"
