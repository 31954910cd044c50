import { FLAG_NAT, intToIp, protocolName, type PacketHeader } from './packet.ts';
import type { PortRange } from './firewall-rules.ts';
import type { StageAction, StageLogic } from './udp-stage.ts';

export interface NatLogicOptions {
  /** The address every source is rewritten to. */
  publicIp: number;
  /** Ports handed out to (protocol, source address, source port) triples, in order. */
  ports: PortRange;
  /** Most mappings listed in the stats file. */
  truthLimit: number;
}

/**
 * Source NAT: rewrites the header's source address to the public address and the source port to a port
 * allocated per (protocol, source address, source port), the same one for every packet of a flow.
 * When the port pool is used up, packets of new flows are dropped (reason `nat_pool_exhausted`).
 */
export class NatLogic implements StageLogic {
  private readonly table = new Map<string, number>();
  private readonly listed: { proto: string; src: string; src_port: number; public_port: number }[] = [];
  private nextPort: number;
  translated = 0;

  constructor(private readonly opts: NatLogicOptions) {
    this.nextPort = opts.ports.from;
  }

  handle(packet: Buffer, h: PacketHeader): StageAction {
    const key = `${h.protocol}/${h.srcIp}/${h.srcPort}`;
    let port = this.table.get(key);
    if (port === undefined) {
      if (this.nextPort > this.opts.ports.to) return { kind: 'drop', reason: 'nat_pool_exhausted' };
      port = this.nextPort++;
      this.table.set(key, port);
      if (this.listed.length < this.opts.truthLimit) {
        this.listed.push({ proto: protocolName(h.protocol), src: intToIp(h.srcIp), src_port: h.srcPort, public_port: port });
      }
    }
    packet.writeUInt32BE(this.opts.publicIp, 16);
    packet.writeUInt16BE(port, 24);
    packet[5] = packet[5]! | FLAG_NAT;
    this.translated++;
    return { kind: 'forward' };
  }

  report(): Record<string, unknown> {
    return {
      public_ip: intToIp(this.opts.publicIp),
      port_range: `${this.opts.ports.from}-${this.opts.ports.to}`,
      translated: this.translated,
      mappings: this.table.size,
      mappings_listed: this.listed,
    };
  }
}
