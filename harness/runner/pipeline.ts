import type { SuiteRemotes } from './remote-clients.ts';
import type { RunContext, RunStage } from './stage.ts';
import { ContainmentStage } from './stages/containment-stage.ts';
import { CopyBackStage } from './stages/copy-back-stage.ts';
import { CpuStage } from './stages/cpu-stage.ts';
import { LoadStage } from './stages/load-stage.ts';
import { MonitorStage } from './stages/monitor-stage.ts';
import { ObserverStage } from './stages/observer-stage.ts';
import { TimeSeriesStage } from './stages/timeseries-stage.ts';
import { PrepareStage } from './stages/prepare-stage.ts';
import { ServerStage } from './stages/server-stage.ts';

// The stages of one run in start order (teardown runs them backwards; see stage.ts). A stage that
// must see the measurement window goes right before `load`.
export function buildPipeline(ctx: RunContext, remotes: () => SuiteRemotes): RunStage[] {
  const containment = new ContainmentStage(ctx);
  const prepare = new PrepareStage(ctx, remotes);
  const servers = new ServerStage(ctx, prepare);
  const monitors = new MonitorStage(ctx, prepare, servers);
  const observer = new ObserverStage(ctx, prepare, servers);
  const copyBack = new CopyBackStage(ctx);
  const cpu = new CpuStage(ctx, servers, monitors, observer);
  const timeseries = new TimeSeriesStage(ctx, prepare);
  const load = new LoadStage(ctx, prepare, servers, copyBack, cpu, remotes);
  return [containment, prepare, servers, monitors, observer, copyBack, cpu, timeseries, load];
}
