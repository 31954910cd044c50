import { readdirSync, readFileSync } from 'node:fs';

// Signal a whole process group; false when the group is already gone (ESRCH) or not ours (EPERM).
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

// Pids of the group's members that still run. Zombies count as gone: kill(-pgid, 0) would still
// find them when nobody reaps orphans (PID 1 in a container often does not).
// A group nobody is in (not even a zombie) answers kill(-pgid, 0) with ESRCH: the usual case once a
// command's leader has exited and been reaped, answered without reading every /proc entry.
export function groupMembers(pgid: number): number[] {
  if (!signalGroup(pgid, 0)) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return signalGroup(pgid, 0) ? [pgid] : []; // no procfs: the coarse answer
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(entry));
    } catch {} // exited while we looked
  }
  return members;
}
