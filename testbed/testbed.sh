#!/usr/bin/env bash
# A real second host on this machine: the generator node is a network namespace joined to the
# root namespace (the server node) by a veth pair, with its own sshd for a dedicated user.
# See testbed/README.md. Subcommands: up | down [--purge-user] | status | env
# shellcheck source-path=SCRIPTDIR
set -Eeuo pipefail

src=${BASH_SOURCE[0]}
[[ $src == */* ]] || src=./$src
TESTBED_HOME=$(cd -- "${src%/*}" && pwd -P)
REPO_ROOT=${TESTBED_HOME%/*}
# shellcheck source=lib/common.sh
source "$TESTBED_HOME/lib/common.sh"
# shellcheck source=lib/up.sh
source "$TESTBED_HOME/lib/up.sh"
# shellcheck source=lib/down.sh
source "$TESTBED_HOME/lib/down.sh"

usage() {
  cat <<'EOF'
usage: testbed/testbed.sh up | down [--purge-user] | status | env

  up      create (or repair) the namespace, veth pair, user harness-gen, keys and sshd
  down    remove them again; --purge-user also deletes harness-gen and its home
  status  print what exists; exit 0 only when the testbed is fully up
  env     print shell exports for tests: eval "$(testbed/testbed.sh env)"

settings (environment): TESTBED_NS (msh-gen), TESTBED_VETH_SRV (msh-srv), TESTBED_VETH_GEN
(msh-gen0), TESTBED_SUBNET_ID (0 = 10.211.0.1/24 <-> .2/24; N = 10.211.0.4N+1/30 <-> +2/30),
TESTBED_DIR (<repo>/.testbed), TESTBED_USER (harness-gen), TESTBED_SSHD (path of sshd)
EOF
}

UP_TOOLS=(ip:iproute2 sshd:openssh-server ssh-keygen:openssh-client flock:util-linux
  unshare:util-linux mount:mount chroot:coreutils timeout:coreutils useradd:passwd usermod:passwd
  getent:libc-bin pgrep:procps)

cmd_up() {
  (($# == 0)) || usage_error "up takes no arguments"
  require_root up
  require_tools "${UP_TOOLS[@]}"
  take_lock
  DIE_HINT="what exists stays for inspection; remove it with: $0 down"
  trap 'printf "testbed: error: up failed at: %s\ntestbed: %s\n" "$BASH_COMMAND" "$DIE_HINT" >&2' ERR
  local t0=${EPOCHREALTIME/./}
  up_network
  up_user
  up_files
  up_sshd
  check_gen_reaches_server
  trap - ERR
  log "up: $SERVER_ADDR ($VETH_SRV) <-> $GEN_ADDR ($NS:$VETH_GEN), ssh -F $STATE_DIR/ssh_config $SSH_ALIAS ($(((${EPOCHREALTIME/./} - t0) / 1000)) ms)"
}

cmd_down() {
  local purge=''
  case ${1:-} in
    '') ;;
    --purge-user) purge=1 ;;
    *) usage_error "down: unknown argument '$1'" ;;
  esac
  (($# <= 1)) || usage_error "down takes at most one argument"
  require_root down
  require_tools ip:iproute2 flock:util-linux pgrep:procps getent:libc-bin
  take_lock
  local pid=''
  if pid=$(sshd_pid); then stop_pid "$pid" sshd; fi
  stop_ns_processes
  remove_network
  stop_user_processes
  remove_state_dir
  [[ -z $purge ]] || purge_user
  verify_down "$pid"
  log "down: $NS is gone"
}

# One status line; $1 is ok/missing, the rest describes the item.
report() {
  local state=$1
  shift
  printf '%-8s %s\n' "$state" "$*"
  [[ $state == ok ]] || STATUS_OK=''
}

check() { # description, then a command that succeeds when the item is in place
  local what=$1
  shift
  if "$@"; then report ok "$what"; else report missing "$what"; fi
}

has_state_files() {
  local f
  for f in ssh_host_ed25519_key id_ed25519 known_hosts ssh_config sshd_config; do [[ -s $STATE_DIR/$f ]] || return 1; done
}

srv_link_ok() { link_is_up "" "$VETH_SRV" && [[ $(link_addrs "" "$VETH_SRV") == "$SERVER_ADDR/$PREFIX" ]]; }
gen_link_ok() { link_in_ns "$VETH_GEN" && link_is_up "$NS" "$VETH_GEN" && [[ $(link_addrs "$NS" "$VETH_GEN") == "$GEN_ADDR/$PREFIX" ]]; }
ns_lo_up() { ns_exists && link_is_up "$NS" lo; }
user_ok() { getent passwd "$GEN_USER" >/dev/null; }
# The generator root: the user's home is there and the checkout is not.
gen_root_ok() {
  local home
  home=$(gen_path "$GEN_HOME") && [[ -d $home/.ssh ]] && [[ ! -e $(gen_path "$REPO_ROOT/testbed/testbed.sh") ]]
}
sshd_in_ns() { sshd_pid >/dev/null; }

ssh_login_works() {
  [[ $(timeout 10 ssh -F "$STATE_DIR/ssh_config" "$SSH_ALIAS" 'echo ok' 2>/dev/null) == ok ]]
}

cmd_status() {
  (($# == 0)) || usage_error "status takes no arguments"
  require_root status
  require_tools ip:iproute2
  STATUS_OK=1
  local pid
  check "network namespace $NS" ns_exists
  check "link $VETH_SRV up with $SERVER_ADDR/$PREFIX" srv_link_ok
  check "link $NS:$VETH_GEN up with $GEN_ADDR/$PREFIX" gen_link_ok
  check "loopback up in $NS" ns_lo_up
  check "user $GEN_USER" user_ok
  check "state in $STATE_DIR (keys, known_hosts, ssh_config, sshd_config)" has_state_files
  pid=$(sshd_pid || echo none)
  check "sshd (pid $pid) running in $NS" sshd_in_ns
  check "generator root: own $GEN_HOME, checkout not visible" gen_root_ok
  # Probe only a running sshd: without it a connect may wait for its timeout.
  if sshd_in_ns; then
    check "sshd answers on $GEN_ADDR:$SSH_PORT" ssh_port_answers
  else
    report missing "sshd answers on $GEN_ADDR:$SSH_PORT (not probed)"
  fi
  if [[ -n $STATUS_OK ]] && command -v ssh >/dev/null; then
    check "ssh -F $STATE_DIR/ssh_config $SSH_ALIAS logs in as $GEN_USER" ssh_login_works
  else
    report missing "ssh -F $STATE_DIR/ssh_config $SSH_ALIAS login (not tried; needs everything above and ssh from openssh-client)"
  fi
  [[ -n $STATUS_OK ]] && echo "testbed $NS is up" && return 0
  echo "testbed $NS is not (fully) up: run testbed/testbed.sh up"
  return 1
}

cmd_env() {
  (($# == 0)) || usage_error "env takes no arguments"
  local name value
  for name in NS DIR VETH_SRV VETH_GEN SUBNET_ID SSH_CONFIG KNOWN_HOSTS IDENTITY SSH_ALIAS HOST PORT \
    SERVER_ADDR USER REMOTE_WORKDIR REMOTE_METRICS_DIR GEN_ROOT; do
    case $name in
      DIR) value=$STATE_DIR ;;
      SSH_CONFIG) value=$STATE_DIR/ssh_config ;;
      KNOWN_HOSTS) value=$STATE_DIR/known_hosts ;;
      IDENTITY) value=$STATE_DIR/id_ed25519 ;;
      HOST) value=$GEN_ADDR ;;
      PORT) value=$SSH_PORT ;;
      USER) value=$GEN_USER ;;
      GEN_ROOT) value=$(gen_path '' 2>/dev/null) || value='' ;;
      *) value=${!name} ;;
    esac
    printf 'export TESTBED_%s=%q\n' "$name" "$value"
  done
}

load_config
case ${1:-} in
  up | down | status | env)
    cmd=$1
    shift
    "cmd_$cmd" "$@"
    ;;
  -h | --help | help) usage ;;
  '') usage_error "missing subcommand" ;;
  *) usage_error "unknown subcommand '$1'" ;;
esac
