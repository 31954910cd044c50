#!/usr/bin/env bash
# Debian packages testbed/testbed.sh needs. Idempotent: apt runs only when one is missing, and the
# packages' own services (a system sshd on 0.0.0.0:22) are kept from starting.
set -euo pipefail

PACKAGES=(openssh-server openssh-client iproute2 procps util-linux mount passwd coreutils)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "testbed/install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if ((EUID != 0)); then
  echo "testbed/install-deps: missing packages: ${missing[*]}" >&2
  echo "testbed/install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "testbed/install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d answering 101 tells invoke-rc.d not to start services; only ours is removed again.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# Another apt may be running: wait for the dpkg lock instead of failing.
apt_opts=(-o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)
if ! apt-get install "${apt_opts[@]}" "${missing[@]}"; then
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get install "${apt_opts[@]}" "${missing[@]}"
fi
echo "testbed/install-deps: done"
