import path from 'node:path';
import type { RemoteSpec } from '../config/schema/common.ts';
import type { SuitePlan } from '../plan/build-plan.ts';
import { renderRunCommands } from '../plan/render-run.ts';
import { bundlesUsed } from '../plan/remote-program.ts';

/** One host × workdir to deploy to, with the connection settings of the spec that names it. */
export interface DeployTarget {
  alias: string;
  spec: RemoteSpec;
  workdir: string;
  /** Remote metrics_dir bases to create (`~/MicroSentinel/artifacts/remote`). */
  extraDirs: string[];
  /** Bundles the suite starts there (`kv-generator.mjs`). */
  programs: string[];
}

// Every generator node a suite's remote clients run bundled workload programs on, once per host ×
// connection × workdir (a host that only runs other commands needs no Node and gets nothing).
export function deployTargets(plan: SuitePlan, rootDir: string): DeployTarget[] {
  const targets = new Map<string, DeployTarget>();
  // Runs of one variant differ only in mode and repetition: render one of them (a big suite has
  // 100,000 runs), and none of a workload without remote clients.
  const seen = new Map<object, Set<string>>();
  for (const run of plan.runs) {
    if (!run.resolved.clients.some((c) => c.remote)) continue;
    const labels = seen.get(run.resolved) ?? new Set<string>();
    if (labels.has(run.variant.label)) continue;
    seen.set(run.resolved, labels.add(run.variant.label));
    let clients;
    try {
      clients = renderRunCommands(run, { rootDir, artifactDir: path.join(rootDir, 'experiments', 'artifacts', 'deploy-plan') }).clients;
    } catch {
      continue; // the run reports its own rendering problem when it starts
    }
    for (const c of clients) {
      const programs = bundlesUsed(c.argv);
      if (!c.remote || programs.length === 0) continue;
      for (const alias of [c.remote.host].flat()) {
        const { host: _h, metrics_dir, extra_artifacts: _e, instances: _i, ...connection } = c.remote;
        const key = JSON.stringify([alias, connection]);
        const t = targets.get(key) ?? { alias, spec: { ...c.remote, host: alias }, workdir: c.remote.workdir, extraDirs: [], programs: [] };
        if (metrics_dir && !t.extraDirs.includes(metrics_dir)) t.extraDirs.push(metrics_dir);
        for (const p of programs) if (!t.programs.includes(p)) t.programs.push(p);
        targets.set(key, t);
      }
    }
  }
  return [...targets.values()];
}
