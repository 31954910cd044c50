#!/usr/bin/env bash
# System packages the harness's tests, CI and bench need, by their Debian 12 (bookworm) names.
# Idempotent and fast: one probe per package (a command or file it installs); apt runs only when a
# probe is missing. `npm test` runs this first (package.json `pretest`), so a fresh clone needs no
# other step. Not root, or not Debian: one line naming what is missing, exit 2.
# The pull-request workflow runs in the `debian:<DEBIAN_CODENAME>` container it names below
# (test/ci/install-deps.test.ts checks that the two agree).
set -euo pipefail

DEBIAN_CODENAME=bookworm

# package:probe — the probe is a command on PATH, or an absolute path.
PACKAGES=(
  openssh-server:/usr/sbin/sshd openssh-client:ssh-keygen    # testbed generator node, ssh tests
  iproute2:ip procps:ps util-linux:nsenter mount:/usr/bin/mount   # network and mount namespaces, process checks
  sysstat:mpstat                                             # mpstat / pidstat host monitors
  linux-perf:perf                                            # perf record / perf stat
  redis-tools:redis-benchmark redis-server:redis-server      # redis-cli / redis-benchmark compatibility + bench
  wrk:wrk hyperfine:hyperfine time:/usr/bin/time             # load tool compatibility + bench
  httperf:httperf nghttp2-client:h2load apache2-utils:ab hey:hey   # third-party load tools (result adapters, docs/load-tools.md)
  clickhouse-server:/usr/sbin/clickhouse-server clickhouse-client:clickhouse-client   # ingest tests
  chromium:chromium                                          # HTML report rendered in headless Chromium
  prometheus:promtool prometheus-node-exporter:prometheus-node-exporter   # promtool imports Prometheus dumps; node exporter as a scraped endpoint
  jupyter-nbconvert:jupyter-nbconvert python3-ipykernel:/usr/lib/python3/dist-packages/ipykernel   # generated notebooks executed headlessly
  python3-pandas:/usr/lib/python3/dist-packages/pandas python3-matplotlib:/usr/lib/python3/dist-packages/matplotlib
  git:git ca-certificates:/etc/ssl/certs/ca-certificates.crt # mutation worktrees
)

if [ "${1:-}" = "--list" ]; then   # for tests: the Debian names, one a line
  printf '%s\n' "${PACKAGES[@]%%:*}"
  exit 0
fi

missing=()
for entry in "${PACKAGES[@]}"; do
  probe=${entry#*:}
  if [ "${probe:0:1}" = / ]; then [ -e "$probe" ] && continue; else command -v "$probe" >/dev/null 2>&1 && continue; fi
  missing+=("${entry%%:*}")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} system packages present"
  exit 0
fi

codename=$( . /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-${ID:-unknown}}" || echo unknown)
if [ "$codename" != "$DEBIAN_CODENAME" ] || ! command -v apt-get >/dev/null; then
  echo "install-deps: missing ${missing[*]} (Debian ${DEBIAN_CODENAME} package names; this is ${codename}: install their equivalents, or run in a debian:${DEBIAN_CODENAME} container)" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing system packages; as root run: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 2
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the packages' own services (a system sshd, redis on :6379, prometheus on :9090) from starting.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
