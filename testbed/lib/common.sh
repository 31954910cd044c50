# Shared by testbed.sh: configuration from the environment, checks, logging, small helpers.
# Sourced, not run. Everything here is read-only apart from the lock.
# shellcheck shell=bash disable=SC2016 # single-quoted scripts get their values as "$1", "$2"

log() { printf 'testbed: %s\n' "$*"; }
warn() { printf 'testbed: warning: %s\n' "$*" >&2; }
die() {
  printf 'testbed: error: %s\n' "$*" >&2
  [[ -z $DIE_HINT ]] || printf 'testbed: %s\n' "$DIE_HINT" >&2
  exit 1
}
usage_error() { printf 'testbed: %s\n' "$*" >&2; usage >&2; exit 2; }

# Read and validate every TESTBED_* setting; report all problems at once.
load_config() {
  NS=${TESTBED_NS:-msh-gen}
  VETH_SRV=${TESTBED_VETH_SRV:-msh-srv}
  VETH_GEN=${TESTBED_VETH_GEN:-msh-gen0}
  SUBNET_ID=${TESTBED_SUBNET_ID:-0}
  GEN_USER=${TESTBED_USER:-harness-gen}
  GEN_HOME=/home/$GEN_USER
  STATE_DIR=${TESTBED_DIR:-$REPO_ROOT/.testbed}
  [[ $STATE_DIR == /* ]] || STATE_DIR=$PWD/$STATE_DIR
  SSH_ALIAS=gen1
  SSH_PORT=22
  REMOTE_WORKDIR=$GEN_HOME/MicroSentinel
  REMOTE_METRICS_DIR=$REMOTE_WORKDIR/artifacts/remote
  # The generator node's home is a tmpfs of this size (its "disk"; deploy reports a full one).
  GEN_DISK_MB=${TESTBED_GEN_DISK_MB:-256}
  # The node the generator node runs: this machine's (read-only); a stub file stands in for tests.
  NODE_STUB=${TESTBED_NODE_STUB:-}
  DIE_HINT='' # set by up once it has started changing things

  local problems=() name
  for name in NS VETH_SRV VETH_GEN; do
    # Interface names are limited to 15 bytes by the kernel (IFNAMSIZ - 1).
    [[ ${!name} =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$ ]] ||
      problems+=("TESTBED_$name='${!name}': want 1-15 characters of [A-Za-z0-9_.-]")
  done
  [[ $VETH_SRV != "$VETH_GEN" ]] || problems+=("TESTBED_VETH_SRV and TESTBED_VETH_GEN are both '$VETH_SRV'")
  if [[ $SUBNET_ID =~ ^[0-9]{1,2}$ ]] && ((10#$SUBNET_ID <= 63)); then
    SUBNET_ID=$((10#$SUBNET_ID))
  else
    problems+=("TESTBED_SUBNET_ID='$SUBNET_ID': want an integer 0-63 (block 4*N of 10.211.0.0/24)")
    SUBNET_ID=0
  fi
  [[ $GEN_USER =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || problems+=("TESTBED_USER='$GEN_USER': not a valid user name")
  [[ $GEN_DISK_MB =~ ^[1-9][0-9]{0,5}$ ]] || problems+=("TESTBED_GEN_DISK_MB='$GEN_DISK_MB': want a size in MiB (1-999999)")
  [[ -z $NODE_STUB || ($NODE_STUB == /* && -f $NODE_STUB && -x $NODE_STUB) ]] ||
    problems+=("TESTBED_NODE_STUB='$NODE_STUB': want the absolute path of an executable file")
  if ((${#problems[@]})); then
    printf 'testbed: error: invalid configuration (%d problems):\n' "${#problems[@]}" >&2
    printf '  %s\n' "${problems[@]}" >&2
    exit 2
  fi

  # Instance 0 is the documented default (10.211.0.1/24 <-> .2/24); instance N>0 uses the /30 block
  # 10.211.0.4N, which wins over the /24 by longest-prefix match, so both can be up together.
  SERVER_ADDR=10.211.0.$((SUBNET_ID * 4 + 1))
  GEN_ADDR=10.211.0.$((SUBNET_ID * 4 + 2))
  if ((SUBNET_ID == 0)); then PREFIX=24; else PREFIX=30; fi
}

require_root() {
  ((EUID == 0)) || die "'$1' must run as root (it manages a network namespace, a veth pair, the user $GEN_USER and an sshd): sudo $0 $1"
}

# Check tools given as tool:package; name every missing one and the packages to install.
require_tools() {
  local spec tool pkg missing=() pkgs=()
  for spec; do
    tool=${spec%%:*} pkg=${spec#*:}
    if [[ $tool == sshd ]]; then
      SSHD_BIN=${TESTBED_SSHD:-$(command -v sshd || echo /usr/sbin/sshd)}
      [[ $SSHD_BIN == /* && -x $SSHD_BIN ]] && continue
      tool="sshd ($SSHD_BIN)"
    elif command -v "$tool" >/dev/null 2>&1; then
      continue
    fi
    missing+=("$tool from $pkg")
    [[ " ${pkgs[*]} " == *" $pkg "* ]] || pkgs+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  local list
  list=$(IFS=,; echo "${missing[*]}")
  printf 'testbed: error: missing tools: %s\n' "${list//,/, }" >&2
  printf 'testbed: install them with: bash testbed/install-deps.sh (or: apt-get install -y %s)\n' "${pkgs[*]}" >&2
  exit 1
}

# One testbed.sh up/down at a time on this machine (they share the user and authorized_keys).
take_lock() {
  local lock=/run/lock/msh-testbed.lock
  [[ -d /run/lock ]] || lock=/tmp/msh-testbed.lock
  exec 9>"$lock"
  flock -w 120 9 || die "another 'testbed.sh up/down' has held $lock for 120 s"
}

ns_exists() { [[ -e /run/netns/$NS ]]; }
link_in_root() { ip link show dev "$1" >/dev/null 2>&1; }
link_in_ns() { ns_exists && ip -n "$NS" link show dev "$1" >/dev/null 2>&1; }

# The IPv4 addresses (CIDR) of a link; $1 is a namespace or '' for the root namespace.
link_addrs() {
  local -a ipc=(ip)
  [[ -z $1 ]] || ipc=(ip -n "$1")
  "${ipc[@]}" -4 -o addr show dev "$2" 2>/dev/null | awk '{print $4}' | paste -sd' ' -
}

# True when a link is administratively up; $1 is a namespace or ''.
link_is_up() {
  local -a ipc=(ip)
  [[ -z $1 ]] || ipc=(ip -n "$1")
  [[ $("${ipc[@]}" -o link show dev "$2" 2>/dev/null) =~ [\<,]UP[,\>] ]]
}

# Where the generator root sees the state dir (gen-root.sh binds it there).
GEN_STATE=/run/msh-testbed

# The pid of our sshd (from its pid file) if that process is an sshd started with our config in
# our namespace: a stale pid file must not make us signal an unrelated process that reused the pid.
sshd_pid() {
  local pid cmdline
  [[ -r $STATE_DIR/sshd.pid ]] || return 1
  read -r pid <"$STATE_DIR/sshd.pid" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *sshd*" -f $GEN_STATE/sshd_config "* ]] || return 1
  [[ $(ip netns identify "$pid" 2>/dev/null) == "$NS" ]] || return 1
  echo "$pid"
}

# The server node's path of a path on the generator node (its root, seen through sshd's /proc entry).
gen_path() {
  local pid
  pid=$(sshd_pid) || return 1
  printf '/proc/%s/root%s\n' "$pid" "$1"
}

# True when sshd's banner answers on the generator address (from the root namespace).
ssh_port_answers() {
  local banner
  banner=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r -t 2 line <&3 && printf %s "$line"' \
    _ "$GEN_ADDR" "$SSH_PORT" 2>/dev/null) && [[ $banner == SSH-2.0-* ]]
}

# The last lines of a log, indented, for error messages.
log_tail() { [[ -r $1 ]] && tail -n "${2:-15}" "$1" | sed 's/^/    /' || echo "    ($1 is missing)"; }
