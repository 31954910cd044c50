/**
 * The command line's layer of the plan merge: the seed's instrumentation flags (`--perf-freq`,
 * `--agent-bin`, `--agent-config`, `--metrics-port`). It is the last layer (workload < suite <
 * workload entry < variant < command line), and it is not part of what generated files record:
 * they check their digest against the plan without it, and runs execute the plan with it.
 */
export interface CommandLineOverrides {
  /** `--perf-freq`: perf's sampling frequency (`-F`). */
  perfFreq?: number;
  /** `--agent-bin`: the MicroSentinel agent binary. */
  agentBin?: string;
  /** `--agent-config`: the agent's TOML config (template). */
  agentConfig?: string;
  /** `--metrics-port`: the agent's Prometheus metrics port. */
  metricsPort?: number;
}

// The flags as the `instrumentation:` keys they set (what plan.json records as the command-line layer).
export function overridesLayer(o: CommandLineOverrides): Record<string, unknown> {
  const instrumentation: Record<string, unknown> = {};
  if (o.perfFreq !== undefined) instrumentation.perf_freq = o.perfFreq;
  if (o.agentBin !== undefined) instrumentation.agent_bin = o.agentBin;
  if (o.agentConfig !== undefined) instrumentation.agent_config = o.agentConfig;
  if (o.metricsPort !== undefined) instrumentation.metrics_port = o.metricsPort;
  return Object.keys(instrumentation).length > 0 ? { instrumentation } : {};
}

export function hasOverrides(o: CommandLineOverrides): boolean {
  return Object.keys(overridesLayer(o)).length > 0;
}
