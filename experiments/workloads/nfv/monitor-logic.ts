import { createEpochClockUs } from '../lib/busy-wait.ts';
import { intToIp, protocolName, type PacketHeader } from './packet.ts';
import type { StageAction, StageLogic } from './udp-stage.ts';

interface FlowStats {
  proto: number;
  src: number;
  srcPort: number;
  dst: number;
  dstPort: number;
  packets: number;
  bytes: number;
  firstUs: number;
  lastUs: number;
}

/** The monitor stage: counts packets and bytes per flow (the 5-tuple as it leaves NAT) and passes everything on. */
export class MonitorLogic implements StageLogic {
  private readonly flows = new Map<string, FlowStats>();
  private readonly clockUs = createEpochClockUs();
  packets = 0;
  bytes = 0;

  /** @param truthLimit most flows listed in the stats file (the busiest first). */
  constructor(private readonly truthLimit: number) {}

  handle(packet: Buffer, h: PacketHeader): StageAction {
    const key = `${h.protocol}/${h.srcIp}/${h.srcPort}/${h.dstIp}/${h.dstPort}`;
    const now = this.clockUs();
    let f = this.flows.get(key);
    if (!f) {
      f = { proto: h.protocol, src: h.srcIp, srcPort: h.srcPort, dst: h.dstIp, dstPort: h.dstPort, packets: 0, bytes: 0, firstUs: now, lastUs: now };
      this.flows.set(key, f);
    }
    f.packets++;
    f.bytes += packet.length;
    f.lastUs = now;
    this.packets++;
    this.bytes += packet.length;
    return { kind: 'forward' };
  }

  get flowCount(): number {
    return this.flows.size;
  }

  report(): Record<string, unknown> {
    const top = [...this.flows.values()].sort((a, b) => b.packets - a.packets).slice(0, this.truthLimit);
    return {
      flows: this.flows.size,
      packets: this.packets,
      bytes: this.bytes,
      flows_listed: top.map((f) => ({
        proto: protocolName(f.proto),
        src: intToIp(f.src),
        src_port: f.srcPort,
        dst: intToIp(f.dst),
        dst_port: f.dstPort,
        packets: f.packets,
        bytes: f.bytes,
        first_us: f.firstUs,
        last_us: f.lastUs,
      })),
    };
  }
}
