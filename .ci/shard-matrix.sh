#!/usr/bin/env bash
# testbed-sharded.yml's matrix from its `shards` input: prints `shards=[1,2,…,N]` for $GITHUB_OUTPUT.
# N is a whole number 1-8 (one per physical testbed, runner label testbed-N); anything else: exit 2.
set -euo pipefail
n=${1-}
if ! [[ $n =~ ^[1-8]$ ]]; then
  echo "shard-matrix: shards input '$n' is not a whole number from 1 to 8 (one shard per physical testbed testbed-1..N)" >&2
  exit 2
fi
list=1
for ((i = 2; i <= n; i++)); do list+=",$i"; done
echo "shards=[$list]"
