// Plan-time lint: a client that can never report load metrics (no result adapter, no metrics flag,
// no `{{metrics_file}}` in its command). Its runs would have no throughput or latency: a warning,
// since a workload may measure something else on purpose (validity.require_throughput: false).
import type { ResolvedVariant } from './resolve-config.ts';
import type { WorkloadLintIssue } from './lint-workload.ts';

// One finding per client that cannot report metrics.
export function lintClientMetrics(resolved: ResolvedVariant): WorkloadLintIssue[] {
  return resolved.clients.flatMap((c, i) => {
    const command = (c.generator ?? c.command)!;
    const usesTemplate = (Array.isArray(command) ? command.join(' ') : command).includes('metrics_file');
    if (c.results || c.metrics_flag || usesTemplate) return [];
    return [
      {
        path: [...resolved.clientPath(i), 'metrics_flag'],
        message: `client ${c.name} can never report load metrics: it has no result adapter, metrics_flag is null and its command does not use {{metrics_file}}; its runs will have no throughput or latency`,
        hint: 'add `results: { adapter: <tool> }` for a third-party load tool (docs/load-tools.md), or write generator-metrics JSON to {{metrics_file}}',
      },
    ];
  });
}
