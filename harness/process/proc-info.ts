import { readFileSync, readdirSync } from 'node:fs';

/** A process as /proc shows it: enough to tell it apart from a later process with the same pid. */
export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): with the pid, a unique name. */
  startTime: number;
}

interface StatFields {
  state: string;
  ppid: number;
  pgid: number;
  startTime: number;
}

// /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
function readStat(pid: number): StatFields | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: f[0] ?? '?', ppid: Number(f[1]), pgid: Number(f[2]), startTime: Number(f[19]) };
  } catch {
    return null;
  }
}

// Start time of a live (not zombie) process, or null when it is gone.
export function processStartTime(pid: number): number | null {
  const s = readStat(pid);
  return s && s.state !== 'Z' && s.state !== 'X' ? s.startTime : null;
}

// Is this exact process (pid and start time) still running? A reused pid does not count.
export function isSameProcessAlive(id: ProcessIdentity): boolean {
  return processStartTime(id.pid) === id.startTime;
}

// The process's command line as one readable string ("" when gone or a kernel thread).
export function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0').join(' ');
  } catch {
    return '';
  }
}

// Live processes of a process group started no earlier than `notBefore` (clock ticks): the
// group of a recorded leader, not a later group that reused its id.
export function groupMembersSince(pgid: number, notBefore: number): number[] {
  const out: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s && s.pgid === pgid && s.state !== 'Z' && s.state !== 'X' && s.startTime >= notBefore) out.push(Number(entry));
  }
  return out;
}

export function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// A process and every live descendant of it (by parent pid), found in one pass over /proc.
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (!s || s.state === 'Z') continue;
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(entry)]);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}
