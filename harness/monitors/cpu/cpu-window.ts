import type { CpuWindow } from './cpu-accounting.ts';

/** What a client's metrics JSON says about when it measured (experiments/workloads/lib/metrics.ts). */
interface WindowFields {
  started_at?: unknown;
  warmup_s?: unknown;
  duration_s?: unknown;
}

/** A client's metrics, with its host's clock offset (remote − local, ms; 0 for a local client). */
export interface ClientWindowInput {
  metrics: unknown;
  clockOffsetMs: number;
}

// The generators' measurement window on this node's clock: from the earliest `started_at + warmup_s`
// to the latest `started_at + warmup_s + duration_s` (the generator's schedule starts at started_at
// and measures the requests intended after the warm-up). Falls back to the load phase when no client
// says when it measured.
export function measurementWindow(clients: readonly ClientWindowInput[], loadPhase: { start: string | null; end: string | null }): CpuWindow | null {
  let start = Infinity;
  let end = -Infinity;
  for (const c of clients) {
    const m = c.metrics as WindowFields | null;
    if (!m || typeof m !== 'object') continue;
    const t0 = typeof m.started_at === 'string' ? Date.parse(m.started_at) : NaN;
    const warm = typeof m.warmup_s === 'number' ? m.warmup_s : NaN;
    const dur = typeof m.duration_s === 'number' ? m.duration_s : NaN;
    if (!Number.isFinite(t0) || !Number.isFinite(warm) || !Number.isFinite(dur) || dur <= 0) continue;
    const s = t0 - c.clockOffsetMs + warm * 1000;
    start = Math.min(start, s);
    end = Math.max(end, s + dur * 1000);
  }
  if (Number.isFinite(start) && end > start) return { startMs: start, endMs: end, source: 'generator' };
  const ls = loadPhase.start ? Date.parse(loadPhase.start) : NaN;
  const le = loadPhase.end ? Date.parse(loadPhase.end) : NaN;
  return Number.isFinite(ls) && le > ls ? { startMs: ls, endMs: le, source: 'load-phase' } : null;
}
