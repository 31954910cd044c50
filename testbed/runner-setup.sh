#!/usr/bin/env bash
# Prerequisites of a self-hosted testbed runner (docs/ci-runners.md), as root on Debian 12 (bookworm):
# the harness's Debian packages (.ci/install-deps.sh) and the testbed's (testbed/install-deps.sh),
# gh (Debian package; testbed.yml looks the baseline up with `gh api` and downloads it with
# `gh run download --name`) and Node from nodejs.org, its tarball checked against SHASUMS256.txt.
# Idempotent. The runner's own registration (runner group, --ephemeral, labels) is in the docs.
#   --node VERSION   Node to install: a major (latest of that line) or an exact x.y.z (default 24)
#   --dry-run        print what would be installed and exit 0 (installs nothing, needs no root)
set -euo pipefail
cd "$(dirname "$0")/.."

node_version=24 dry_run=false
while [ $# -gt 0 ]; do
  case $1 in
    --node) node_version=${2-}; shift 2 || { echo "runner-setup: --node needs a version" >&2; exit 2; } ;;
    --dry-run) dry_run=true; shift ;;
    *) echo "runner-setup: unknown argument '$1' (--node VERSION, --dry-run)" >&2; exit 2 ;;
  esac
done
if ! [[ $node_version =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]]; then
  echo "runner-setup: --node '$node_version': a major (24) or an exact version (24.1.0)" >&2
  exit 2
fi
[[ $node_version == *.* ]] && dist="v$node_version" || dist="latest-v$node_version.x"
arch=$(uname -m)
case $arch in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "runner-setup: no Node build for $arch" >&2; exit 2 ;; esac

have_node=$(command -v node >/dev/null && node -v || echo none)
have_gh=$(command -v gh >/dev/null && gh --version | head -1 || echo none)
if $dry_run; then
  echo "runner-setup: Debian packages: $(bash .ci/install-deps.sh --list | tr '\n' ' ')(.ci/install-deps.sh) and testbed/install-deps.sh's"
  echo "runner-setup: gh: Debian package gh (now: $have_gh)"
  echo "runner-setup: Node: https://nodejs.org/dist/$dist/ node-*-linux-$arch.tar.xz into /usr/local, checked against SHASUMS256.txt (now: $have_node)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "runner-setup: run as root (it installs Debian packages and Node into /usr/local); --dry-run shows what it would do" >&2
  exit 2
fi

bash .ci/install-deps.sh
bash testbed/install-deps.sh
for tool in gh curl xz-utils:xz; do
  command -v "${tool#*:}" >/dev/null && continue
  echo "runner-setup: installing ${tool%%:*}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${tool%%:*}"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --proto '=https' "https://nodejs.org/dist/$dist/SHASUMS256.txt" -o "$tmp/SHASUMS256.txt"
tarball=$(awk -v a="linux-$arch.tar.xz" '$2 ~ a"$" { print $2 }' "$tmp/SHASUMS256.txt")
want=${tarball#node-}; want=${want%-linux-*}
if [ -z "$tarball" ]; then echo "runner-setup: no linux-$arch tarball in https://nodejs.org/dist/$dist/SHASUMS256.txt" >&2; exit 1; fi
if [ "$have_node" = "$want" ]; then
  echo "runner-setup: Node $want present"
else
  echo "runner-setup: installing Node $want (was: $have_node)"
  curl -fsSL --proto '=https' "https://nodejs.org/dist/$dist/$tarball" -o "$tmp/$tarball"
  (cd "$tmp" && grep " $tarball\$" SHASUMS256.txt | sha256sum -c --quiet -)
  tar -xJf "$tmp/$tarball" -C /usr/local --strip-components=1 --no-same-owner
fi
echo "runner-setup: done: $(node -v), $(gh --version | head -1), Debian packages present"
