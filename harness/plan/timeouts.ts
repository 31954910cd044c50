import type { Mode } from '../config/schema/instrumentation.ts';
import type { ResolvedVariant } from './resolve-config.ts';

/** Slack for spawning, copying results and writing artifacts. */
const MARGIN_MS = 30_000;

// A run's test timeout, derived from its durations: servers' readiness and stop grace, the longest
// client, the observer's readiness and flush time.
export function runTimeoutMs(resolved: ResolvedVariant, mode: Mode): number {
  const servers = resolved.servers.reduce((sum, s) => sum + (s.ready?.timeout_s ?? 10) * 1000 + s.stop.grace_s * 1000, 0);
  const clients = Math.max(0, ...resolved.clients.map((c) => c.timeout_s * 1000 + c.start_delay_ms));
  const inst = resolved.config.instrumentation;
  const observer = mode === 'baseline' ? 0 : mode === 'perf' ? 20_000 : inst.agent_ready_timeout_s * 1000 + 10_000;
  return Math.round(servers + clients + observer + MARGIN_MS);
}
