import type { OpenLoopResult } from './open-loop.ts';

export interface SaturationVerdict {
  /** The generator could not keep to its schedule, so the offered load was not really offered. */
  saturated: boolean;
  notes: string[];
}

/** Send rate below this share of the offered rate means the generator fell behind. */
export const MIN_SEND_SHARE = 0.99;
/** A backlog worth this much sending time means the generator fell behind. */
export const MAX_BACKLOG_MS = 10;

// The largest tolerated backlog: 10 ms of sends, but never fewer than 100 requests (a GC pause).
export function backlogThreshold(rate: number): number {
  return Math.max(100, Math.ceil((rate * MAX_BACKLOG_MS) / 1000));
}

/**
 * Decide honestly whether the generator kept up: its own send rate and backlog (generator side), plus
 * notes about what the server did (responses lagging, errors, timeouts) that do not blame the generator.
 */
export function assessSaturation(r: OpenLoopResult): SaturationVerdict {
  const notes: string[] = [];
  let saturated = false;
  const offered = r.offeredRps;
  if (r.achievedSendRps < MIN_SEND_SHARE * offered) {
    saturated = true;
    notes.push(`generator saturated: sent ${fmt(r.achievedSendRps)} req/s, below 99% of the offered ${fmt(offered)} req/s`);
  }
  const threshold = backlogThreshold(offered);
  if (r.maxBacklog > threshold) {
    saturated = true;
    const behindMs = (r.maxBacklog / offered) * 1000;
    notes.push(`generator saturated: send backlog reached ${r.maxBacklog} requests (~${fmt(behindMs)} ms behind schedule; threshold ${threshold})`);
  }
  if (r.unsent > 0) {
    saturated = true;
    notes.push(`generator saturated: ${r.unsent} measured requests were never sent (send phase cut off)`);
  }
  const lagP99Us = r.sendLag.valueAt(99);
  if (!saturated && lagP99Us > 1000) {
    notes.push(`send lag p99 is ${fmt(lagP99Us / 1000)} ms: latencies include generator scheduling delay`);
  }
  // Requests dropped on purpose (a firewall deny) were answered: they do not make the server look slow.
  const answeredRps = r.answeredRps ?? r.achievedRps;
  if (answeredRps < MIN_SEND_SHARE * offered) {
    notes.push(`responses lagged: achieved ${fmt(answeredRps)} req/s < 99% of offered ${fmt(offered)} req/s (server or network did not keep up)`);
  }
  if (r.dropped) notes.push(`${r.dropped} requests were dropped on purpose by the system under test (not errors)`);
  if (r.errors > 0) notes.push(`${r.errors} requests failed (error reply or connection lost)`);
  if (r.timeouts > 0) notes.push(`${r.timeouts} requests got no response before the timeout`);
  if (r.latency.clamped > 0) notes.push(`${r.latency.clamped} latencies exceeded the histogram range and were clamped`);
  if (r.completed === 0) notes.push('no request completed: latency figures are zeros');
  return { saturated, notes };
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}
