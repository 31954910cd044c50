#!/bin/sh
# The harness's reaper: outlives a harness process that dies without cleaning up (SIGKILL, OOM).
# It reads what that process started from stdin, one line each:
#   +cg DIR / -cg DIR      a run cgroup folder (killed whole, then removed)
#   +pg PGID / -pg PGID    a process group (SIGKILL to the group)
#   +tok TOKEN / -tok TOKEN a run token: every process whose environment carries it is killed
#   +file PATH / -file PATH a ledger file to delete once everything in it is dead
# When stdin ends (the harness process is gone, however it ended), it kills what is still listed.
# Plain sh, not node: it must start in milliseconds, cost nothing while it waits, and need no tsx.
cgs=''
pgs=''
toks=''
files=''
nl='
'
remove() { # remove LIST ITEM -> LIST without ITEM
  out=''
  old_ifs=$IFS; IFS=$nl
  for x in $1; do [ "$x" = "$2" ] || out="$out$x$nl"; done
  IFS=$old_ifs
  printf '%s' "$out"
}
while IFS= read -r line; do
  arg=${line#* }
  case $line in
    '+cg '*) cgs="$cgs$arg$nl" ;;
    '-cg '*) cgs=$(remove "$cgs" "$arg"; echo x); cgs=${cgs%x} ;;
    '+pg '*) pgs="$pgs$arg$nl" ;;
    '-pg '*) pgs=$(remove "$pgs" "$arg"; echo x); pgs=${pgs%x} ;;
    '+tok '*) toks="$toks$arg$nl" ;;
    '-tok '*) toks=$(remove "$toks" "$arg"; echo x); toks=${toks%x} ;;
    '+file '*) files="$files$arg$nl" ;;
    '-file '*) files=$(remove "$files" "$arg"; echo x); files=${files%x} ;;
  esac
done
IFS=$nl
for pg in $pgs; do kill -9 -- "-$pg" 2>/dev/null; done
# Processes that left every group (setsid) still carry their run's token in /proc/<pid>/environ.
for tok in $toks; do
  for f in $(grep -lzx "HARNESS_RUN_TOKEN=$tok" /proc/[0-9]*/environ 2>/dev/null); do
    p=${f#/proc/}; kill -9 "${p%/environ}" 2>/dev/null
  done
done
for cg in $cgs; do
  [ -d "$cg" ] || continue
  if [ -e "$cg/cgroup.kill" ]; then echo 1 > "$cg/cgroup.kill" 2>/dev/null
  else
    [ -e "$cg/cgroup.freeze" ] && echo 1 > "$cg/cgroup.freeze" 2>/dev/null
    [ -e "$cg/freezer.state" ] && echo FROZEN > "$cg/freezer.state" 2>/dev/null
    for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    [ -e "$cg/cgroup.freeze" ] && echo 0 > "$cg/cgroup.freeze" 2>/dev/null
    [ -e "$cg/freezer.state" ] && echo THAWED > "$cg/freezer.state" 2>/dev/null
  fi
done
# Killed processes leave their cgroup within milliseconds; give them 2 s, then remove the folders.
i=0
while [ $i -lt 100 ]; do
  left=''
  for cg in $cgs; do [ -d "$cg" ] && ! rmdir "$cg" 2>/dev/null && left=1; done
  [ -z "$left" ] && break
  sleep 0.02; i=$((i + 1))
done
for f in $files; do rm -f -- "$f"; rmdir -- "${f%/*}" 2>/dev/null; done
