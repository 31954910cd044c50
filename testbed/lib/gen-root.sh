#!/usr/bin/env bash
# The generator node's own filesystem view. Runs as root inside the testbed's network namespace
# and a fresh private mount namespace (testbed.sh: ip netns exec NS unshare --mount …), builds a
# root on a tmpfs and starts sshd chrooted into it, so everything the generator user does sees
# only this view. See testbed/README.md ("The generator node's filesystem").
#
#   /usr /etc and /bin /sbin /lib* (links or read-only binds): the operating system, and Node when
#                                   it is installed under /usr
#   <node prefix> (read-only)       Node's install prefix when it lives elsewhere (nvm, setup-node)
#   /home/$GEN_USER                 its own tmpfs of GEN_DISK_MB, only .ssh/authorized_keys in it
#   /tmp /var/tmp /run              empty tmpfs; /run/msh-testbed is the state dir (root only)
#   /dev /proc /sys                 as usual, with a /dev/shm of its own
# Nothing else: not the checkout, not /root, not the server node's /tmp or /home.
#
# Environment: ROOT_MNT STATE_DIR GEN_USER GEN_HOME GEN_DISK_MB NODE_BIN NODE_STUB SSHD_BIN
# shellcheck shell=bash
set -euo pipefail

fail() {
  printf 'testbed: error: generator root: %s\n' "$*" >&2
  exit 1
}

r=$ROOT_MNT
mount --make-rprivate /
mount -t tmpfs -o mode=0755,size=16m msh-gen-root "$r"

# The operating system, read-only. Merged-/usr systems have /bin etc. as links: keep them links.
for d in usr etc bin sbin lib lib32 lib64 libx32; do
  if [[ -L /$d ]]; then
    ln -s "$(readlink "/$d")" "$r/$d"
  elif [[ -d /$d ]]; then
    mkdir "$r/$d"
    mount --bind "/$d" "$r/$d"
    mount -o remount,bind,ro "$r/$d"
  fi
done

mkdir -p "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/tmp" "$r/var/tmp" "$r/home" "$r$GEN_HOME"
mount --rbind /dev "$r/dev"
# /dev/shm would be this machine's: the generator node gets its own.
[[ ! -d $r/dev/shm ]] || mount -t tmpfs -o mode=1777,size=64m shm "$r/dev/shm"
mount -t proc proc "$r/proc"
mount --rbind /sys "$r/sys"
mount -t tmpfs -o mode=0755,size=16m run "$r/run"
mount -t tmpfs -o mode=1777,size=256m tmp "$r/tmp"
mount -t tmpfs -o mode=1777,size=64m vartmp "$r/var/tmp"
install -d -m 0755 "$r/run/sshd" # sshd's privilege separation directory

# sshd's state (host key, config, pid file, log) from the server node's state dir; root only.
install -d -m 0700 "$r/run/msh-testbed"
mount --bind "$STATE_DIR" "$r/run/msh-testbed"

# Node outside /usr (nvm, actions/setup-node): its install prefix, read-only, at the same path.
if [[ -n $NODE_BIN && $NODE_BIN != /usr/* ]]; then
  prefix=${NODE_BIN%/bin/*}
  [[ $prefix != "$NODE_BIN" && -d $prefix ]] || fail "cannot tell Node's install prefix from $NODE_BIN"
  mkdir -p "$r$prefix"
  mount --bind "$prefix" "$r$prefix"
  mount -o remount,bind,ro "$r$prefix"
fi
# A stand-in for the generator's node (tests: no Node, an old Node), laid over the real one.
if [[ -n $NODE_STUB ]]; then
  [[ -n $NODE_BIN && -e $r$NODE_BIN ]] || fail "no node at ${NODE_BIN:-?} in the generator root to replace with $NODE_STUB"
  mount --bind "$NODE_STUB" "$r$NODE_BIN"
fi

# The home: its own small disk (GEN_DISK_MB), owned by the user, with the testbed's client key.
uid=$(id -u "$GEN_USER")
gid=$(id -g "$GEN_USER")
mount -t tmpfs -o "mode=0755,size=${GEN_DISK_MB}m,uid=$uid,gid=$gid" home "$r$GEN_HOME"
install -d -m 0700 -o "$uid" -g "$gid" "$r$GEN_HOME/.ssh"
install -m 0600 -o "$uid" -g "$gid" "$STATE_DIR/id_ed25519.pub" "$r$GEN_HOME/.ssh/authorized_keys"

# Check the config where sshd will read it (the paths in it are the generator root's).
chroot "$r" "$SSHD_BIN" -t -f /run/msh-testbed/sshd_config || fail "sshd rejects $STATE_DIR/sshd_config (see above)"
exec chroot "$r" "$SSHD_BIN" -f /run/msh-testbed/sshd_config -E /run/msh-testbed/sshd.log
