import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Ask Linux to wake this process's main thread on time: timed sleeps may otherwise end up to the
 * timer slack (50 µs by default) late, which the generator would add to every send. Best effort:
 * returns the slack now in force (ns), or undefined where /proc/<pid>/timerslack_ns is unavailable.
 */
export function reduceTimerSlack(ns = 1000): number | undefined {
  const file = `/proc/${process.pid}/timerslack_ns`;
  try {
    writeFileSync(file, String(ns));
  } catch {
    // not permitted or not Linux: keep the default and say what it is
  }
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}
