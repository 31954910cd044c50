#!/usr/bin/env bash
# System packages the tests need (Debian). Idempotent: apt runs only when something is missing.
set -euo pipefail

PACKAGES=(
  openssh-server openssh-client iproute2 procps util-linux mount  # testbed generator node (netns, mount ns + sshd)
  sysstat                                                   # mpstat / pidstat host monitors
  linux-perf                                                # perf record / perf stat
  redis-tools redis-server                                  # redis-cli / redis-benchmark compatibility + bench
  wrk hyperfine time                                        # load tool compatibility + bench
  clickhouse-server clickhouse-client                       # harness ingest tests (ClickHouse 18.x)
  chromium                                                  # HTML report rendered in headless Chromium
  prometheus prometheus-node-exporter                       # promtool imports Prometheus dumps; node exporter as a scraped endpoint
  jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib   # generated notebooks executed headlessly
  git ca-certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the packages' own services (a system sshd, redis on :6379, prometheus on :9090) from starting.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
