# `testbed.sh down`: removes whatever of a testbed exists, in reverse order of `up`, and keeps
# going when a piece is already gone. Sourced by testbed.sh.
# shellcheck shell=bash

# Files `up` writes into the state dir; down removes exactly these, then the dir if it is empty.
STATE_FILES=(ssh_host_ed25519_key ssh_host_ed25519_key.pub id_ed25519 id_ed25519.pub known_hosts
  ssh_config sshd_config gen-root.env sshd.pid sshd.log probe.port probe.port.tmp .msh-testbed)

# Signal pids with TERM, wait up to 3 s, then KILL what is left. $1 labels them in the log.
stop_pids() {
  local label=$1 pid i alive=()
  shift
  for pid; do pid_alive "$pid" && alive+=("$pid"); done
  ((${#alive[@]})) || return 0
  set -- "${alive[@]}"
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    alive=()
    for pid; do pid_alive "$pid" && alive+=("$pid"); done
    ((${#alive[@]})) || break
    sleep 0.1
  done
  if ((${#alive[@]})); then
    warn "$label did not stop on TERM within 3 s: KILL ${alive[*]}"
    kill -KILL "${alive[@]}" 2>/dev/null || true
  fi
  log "stopped $label (pid $*)"
}

stop_pid() { stop_pids "$2" "$1"; }

# True while a pid runs; a zombie counts as gone (this machine's init may reap it late).
pid_alive() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Every process inside the namespace: sshd's sessions and whatever harness-gen started there.
stop_ns_processes() {
  ns_exists || return 0
  local pids
  mapfile -t pids < <(ip netns pids "$NS" 2>/dev/null)
  stop_pids "processes in $NS" "${pids[@]}"
}

remove_network() {
  if link_in_root "$VETH_SRV"; then ip link del "$VETH_SRV" && log "deleted veth $VETH_SRV"; fi
  if link_in_root "$VETH_GEN"; then ip link del "$VETH_GEN" && log "deleted stray $VETH_GEN"; fi
  if ns_exists; then ip netns del "$NS" && log "deleted network namespace $NS"; fi
}

# Namespaces of other testbeds whose sshd is up for the same user (they share it, not its home).
other_live_testbeds() {
  local pid ns
  for pid in $(pgrep -f -- "-f $GEN_STATE/sshd_config" || true); do
    ns=$(ip netns identify "$pid" 2>/dev/null) || continue
    [[ -n $ns && $ns != "$NS" ]] || continue
    grep -qx "AllowUsers $GEN_USER" "/proc/$pid/root$GEN_STATE/sshd_config" 2>/dev/null && echo "$ns"
  done | sort -u
}

remove_state_dir() {
  [[ -d $STATE_DIR ]] || return 0
  local f
  for f in "${STATE_FILES[@]}"; do rm -f "$STATE_DIR/$f"; done
  rmdir "$STATE_DIR/gen-root" 2>/dev/null || true
  if rmdir "$STATE_DIR" 2>/dev/null; then
    log "removed $STATE_DIR"
  else
    warn "kept $STATE_DIR: it holds files testbed.sh did not write"
  fi
}

# With no other testbed using the user, its remaining processes (by pid) in no namespace or in ours
# are leftovers.
stop_user_processes() {
  getent passwd "$GEN_USER" >/dev/null || return 0
  [[ -z $(other_live_testbeds) ]] || return 0
  # Never another namespace's: a testbed this check cannot see (another checkout's) may run there.
  local pid ns pids=()
  for pid in $(pgrep -u "$GEN_USER" || true); do
    ns=$(ip netns identify "$pid" 2>/dev/null) || ns=''
    [[ -z $ns || $ns == "$NS" ]] && pids+=("$pid")
  done
  stop_pids "processes of $GEN_USER" "${pids[@]}"
}

purge_user() {
  getent passwd "$GEN_USER" >/dev/null || return 0
  local others
  others=$(other_live_testbeds | paste -sd' ' -)
  [[ -z $others ]] || die "not removing user $GEN_USER: testbed(s) $others still use it (run their down first)"
  stop_user_processes
  local out
  out=$(userdel --remove "$GEN_USER" 2>&1) || die "userdel --remove $GEN_USER failed: $out"
  log "removed user $GEN_USER"
}

# Fail loudly if anything of this testbed survived.
verify_down() {
  local left=()
  ns_exists && left+=("namespace $NS")
  link_in_root "$VETH_SRV" && left+=("link $VETH_SRV")
  link_in_root "$VETH_GEN" && left+=("link $VETH_GEN")
  [[ -n ${1:-} ]] && pid_alive "$1" && left+=("sshd pid $1")
  ((${#left[@]} == 0)) || die "down left behind: ${left[*]}"
}
