import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

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

// One buffer for every environ scan (the harness scans /proc synchronously, one file at a time).
const SCAN_CHUNK = 64 * 1024;
// An environment larger than this is not read further (the kernel bounds it by the stack limit).
const ENVIRON_MAX_BYTES = 64 * 1024 * 1024;
let scanBuffer: Buffer | undefined;

/**
 * Does /proc/<pid>/environ hold exactly the entry `entry` ("NAME=value")? Read in fixed chunks into one
 * reused buffer (no string per process: a scan of every process runs at each run's teardown) and
 * matched as a whole entry, NUL to NUL, so "XNAME=value" or "NAME=value2" do not count. False when the
 * process is gone or unreadable (a kernel thread has an empty environment).
 */
export function environHas(pid: number, entry: string): boolean {
  const needle = Buffer.from(`\0${entry}\0`, 'latin1');
  if (needle.length > SCAN_CHUNK / 2) return false;
  scanBuffer ??= Buffer.allocUnsafe(SCAN_CHUNK);
  const buf = scanBuffer;
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/environ`, 'r');
    // buf[0, carry) holds the tail of the previous chunk (a virtual NUL before the first entry).
    buf[0] = 0;
    let carry = 1;
    for (let total = 0; total < ENVIRON_MAX_BYTES; ) {
      const n = readSync(fd, buf, carry, buf.length - carry, null);
      if (n === 0) return false; // every entry ends with its NUL
      total += n;
      const len = carry + n;
      if (buf.subarray(0, len).indexOf(needle) >= 0) return true;
      // Keep what could start a match that the next chunk completes.
      carry = Math.min(len, needle.length - 1);
      buf.copy(buf, 0, len - carry, len);
    }
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
