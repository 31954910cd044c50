import { createEpochClockUs } from '../lib/busy-wait.ts';
import { LatencyRecorder } from '../lib/latency-recorder.ts';
import { FLAG_NAT, STAGE_BIT, type PacketHeader } from './packet.ts';
import type { StageAction, StageLogic } from './udp-stage.ts';

const UPSTREAM = STAGE_BIT.firewall | STAGE_BIT.nat | STAGE_BIT.monitor;

/**
 * The sink: records every delivered packet and its one-way latency (sink clock − the generator's send
 * stamp: meaningful only when both run on one host or on PTP-synchronised clocks), and flags packets that
 * skipped a stage or were not translated. Each delivery is acknowledged to the generator by UdpStage.
 */
export class SinkLogic implements StageLogic {
  private readonly clockUs = createEpochClockUs();
  readonly oneWay = new LatencyRecorder();
  private readonly flows = new Set<number>();
  delivered = 0;
  bytes = 0;
  skippedStage = 0;
  notTranslated = 0;

  handle(packet: Buffer, h: PacketHeader): StageAction {
    this.delivered++;
    this.bytes += packet.length;
    this.flows.add(h.flow);
    this.oneWay.record(this.clockUs() - h.sentUs);
    if ((h.stages & UPSTREAM) !== UPSTREAM) this.skippedStage++;
    if (!(h.flags & FLAG_NAT)) this.notTranslated++;
    return { kind: 'deliver' };
  }

  report(): Record<string, unknown> {
    return {
      bytes: this.bytes,
      flows_delivered: this.flows.size,
      anomalies: { skipped_stage: this.skippedStage, not_translated: this.notTranslated },
      one_way_latency_us: this.oneWay.summary(),
      one_way_histogram: { encoding: 'hdr-base64', unit: 'us', data: this.oneWay.encode() },
    };
  }
}
