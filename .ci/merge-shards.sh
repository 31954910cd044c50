#!/usr/bin/env bash
# testbed-sharded.yml's merge: one report from every shard that uploaded (DIR/shard-1..N, as
# download-artifact with `pattern: shard-*` lays them out), then exit 1 naming each missing shard, so a
# lost shard never passes as a smaller suite. Usage: merge-shards.sh N DIR REPORTS
set -euo pipefail
n=${1-} dir=${2-} reports=${3-}
if ! [[ $n =~ ^[1-8]$ ]] || [ -z "$dir" ] || [ -z "$reports" ]; then
  echo "merge-shards: usage: merge-shards.sh SHARDS(1-8) DIR REPORTS (got '$n' '$dir' '$reports')" >&2
  exit 2
fi
present=() missing=()
for ((i = 1; i <= n; i++)); do
  if [ -d "$dir/shard-$i" ] && [ -n "$(ls -A "$dir/shard-$i")" ]; then present+=("$dir/shard-$i"); else missing+=("$i"); fi
done
status=0
if [ "${#present[@]}" -gt 0 ]; then
  npx harness merge "${present[@]}" --reports "$reports" || status=$?
fi
if [ "${#missing[@]}" -gt 0 ]; then
  for i in "${missing[@]}"; do
    echo "merge-shards: shard $i of $n uploaded nothing ($dir/shard-$i missing or empty): its runs are not in the merged report" >&2
  done
  echo "merge-shards: merged ${#present[@]} of $n shards" >&2
  exit 1
fi
exit "$status"
