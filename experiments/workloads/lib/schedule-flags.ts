import type { FlagSpecs, Flags } from './args.ts';
import { ARRIVALS, type Arrival } from './arrivals.ts';
import { SEND_MODES, type SendMode } from './open-loop.ts';
import { SendTrace } from './send-trace.ts';

/** The open-loop schedule every generator shares: rate, duration, warm-up, arrivals, metrics. */
export interface ScheduleConfig {
  rate: number;
  durationS: number;
  warmupS: number;
  arrival: Arrival;
  spinUs: number;
  sendMode: SendMode;
  /** Run SCHED_FIFO (lib/realtime.ts). */
  realtime: boolean;
  metricsFile: string;
  /** `--trace-sends`: the per-send trace, its file already open. */
  trace: SendTrace | undefined;
}

// Flag specs of the shared schedule; `unit` names what is offered (req/s, pkt/s).
export function scheduleFlags(unit: { short: string; long: string }): FlagSpecs {
  return {
    rate: { type: 'string', placeholder: `<${unit.short}>`, required: true, help: `offered rate, ${unit.long}` },
    'duration-s': { type: 'string', placeholder: '<s>', defaultText: '10', help: 'measured duration' },
    'warmup-s': { type: 'string', placeholder: '<s>', defaultText: '1', help: 'warm-up before the measurement (not recorded)' },
    arrival: { type: 'string', placeholder: ARRIVALS.join('|'), defaultText: 'poisson', help: 'arrival process' },
    'spin-us': { type: 'string', placeholder: '<us>', defaultText: '1000', help: 'most busy-polling before a send; also at most 1/8 of the mean gap (0 = never, less precise)' },
    'send-mode': { type: 'string', placeholder: SEND_MODES.join('|'), defaultText: 'sleep', help: 'sleep between sends, or busy-poll (never sleeps: a core of its own; recorded as schedule.send_mode)' },
    realtime: { type: 'boolean', help: 'run SCHED_FIFO (chrt; root): sends and reads not delayed by other processes on a busy machine' },
    'metrics-file': { type: 'string', placeholder: '<path>', required: true, help: 'where to write the metrics JSON' },
    'trace-sends': { type: 'string', placeholder: '<path>', help: 'write every measured send (time, lag, wait path) and the GCs as JSON Lines: where send lag comes from (docs/measurement-floor.md)' },
  };
}

// Read and range-check the shared schedule flags.
export function readScheduleFlags(f: Flags): ScheduleConfig {
  const traceFile = f.optionalString('trace-sends');
  return {
    rate: f.number('rate', undefined, { min: 0.001, max: 10_000_000 }),
    durationS: f.number('duration-s', 10, { min: 0.001, max: 86_400 }),
    warmupS: f.number('warmup-s', 1, { min: 0, max: 86_400 }),
    arrival: f.choice('arrival', ARRIVALS, 'poisson'),
    spinUs: f.number('spin-us', 1000, { min: 0, max: 1_000_000 }),
    sendMode: f.choice('send-mode', SEND_MODES, 'sleep'),
    realtime: f.boolean('realtime'),
    metricsFile: f.string('metrics-file'),
    trace: traceFile === undefined ? undefined : new SendTrace(traceFile),
  };
}
