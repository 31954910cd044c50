// The nfv chain's packet: a fixed 44-byte header (big-endian) inside one UDP datagram, then padding.
//
//  off size field
//    0  2   magic 0x4E46 ("NF")       24  2  src port
//    2  1   version (1)               26  2  dst port
//    3  1   kind: 1 data, 2 ack,      28  4  report IPv4 address: where acks and drop reports go
//             3 drop report           32  2  report UDP port      (stamped by the first stage)
//    4  1   protocol (6 tcp, 17 udp,  34  1  drop stage (reports)
//             1 icmp, any 0–255)      35  1  drop reason (reports)
//    5  1   flags: bit0 NAT applied   36  8  generator send time, epoch µs (float64)
//    6  1   stages passed (bitmask)
//    7  1   reserved
//    8  4   sequence number
//   12  4   flow id
//   16  4   src IPv4 address
//   20  4   dst IPv4 address

export const MAGIC = 0x4e46;
export const VERSION = 1;
export const HEADER_BYTES = 44;

export const KIND = { data: 1, ack: 2, drop: 3 } as const;
export const FLAG_NAT = 0x01;

/** The chain's stages, in order; each sets its bit in the `stages passed` mask. */
export const STAGES = ['firewall', 'nat', 'monitor', 'sink'] as const;
export type StageName = (typeof STAGES)[number];
export const STAGE_BIT: Record<StageName, number> = { firewall: 1, nat: 2, monitor: 4, sink: 8 };
export const STAGE_CODE: Record<StageName, number> = { firewall: 1, nat: 2, monitor: 3, sink: 4 };

/** Why a stage dropped a packet (the `drop reason` byte of a report). */
export const DROP_REASONS = ['deny', 'nat_pool_exhausted', 'send_error'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const PROTOCOLS: Record<string, number> = { icmp: 1, tcp: 6, udp: 17 };

// `tcp` → 6; a number 0–255 is taken as is; undefined for anything else.
export function protocolNumber(name: string): number | undefined {
  const n = PROTOCOLS[name.toLowerCase()] ?? (/^\d{1,3}$/.test(name) ? Number(name) : undefined);
  return n !== undefined && n <= 255 ? n : undefined;
}

export function protocolName(n: number): string {
  return Object.entries(PROTOCOLS).find(([, v]) => v === n)?.[0] ?? String(n);
}

/** The header's fields, decoded. */
export interface PacketHeader {
  kind: number;
  protocol: number;
  flags: number;
  stages: number;
  seq: number;
  flow: number;
  srcIp: number;
  dstIp: number;
  srcPort: number;
  dstPort: number;
  reportIp: number;
  reportPort: number;
  dropStage: number;
  dropReason: number;
  sentUs: number;
}

// Is this datagram one of ours (magic, version, long enough)?
export function isPacket(buf: Buffer): boolean {
  return buf.length >= HEADER_BYTES && buf.readUInt16BE(0) === MAGIC && buf[2] === VERSION;
}

export function readHeader(buf: Buffer): PacketHeader {
  return {
    kind: buf[3]!,
    protocol: buf[4]!,
    flags: buf[5]!,
    stages: buf[6]!,
    seq: buf.readUInt32BE(8),
    flow: buf.readUInt32BE(12),
    srcIp: buf.readUInt32BE(16),
    dstIp: buf.readUInt32BE(20),
    srcPort: buf.readUInt16BE(24),
    dstPort: buf.readUInt16BE(26),
    reportIp: buf.readUInt32BE(28),
    reportPort: buf.readUInt16BE(32),
    dropStage: buf[34]!,
    dropReason: buf[35]!,
    sentUs: buf.readDoubleBE(36),
  };
}

// Encode a header into `buf` (at least HEADER_BYTES long; the rest is left as is).
export function writeHeader(buf: Buffer, h: PacketHeader): Buffer {
  buf.writeUInt16BE(MAGIC, 0);
  buf[2] = VERSION;
  buf[3] = h.kind;
  buf[4] = h.protocol;
  buf[5] = h.flags;
  buf[6] = h.stages;
  buf[7] = 0;
  buf.writeUInt32BE(h.seq >>> 0, 8);
  buf.writeUInt32BE(h.flow >>> 0, 12);
  buf.writeUInt32BE(h.srcIp >>> 0, 16);
  buf.writeUInt32BE(h.dstIp >>> 0, 20);
  buf.writeUInt16BE(h.srcPort, 24);
  buf.writeUInt16BE(h.dstPort, 26);
  buf.writeUInt32BE(h.reportIp >>> 0, 28);
  buf.writeUInt16BE(h.reportPort, 32);
  buf[34] = h.dropStage;
  buf[35] = h.dropReason;
  buf.writeDoubleBE(h.sentUs, 36);
  return buf;
}

// A reply to the report address: the data packet's header with the kind (and drop cause) changed.
export function makeReply(data: Buffer, kind: number, stage = 0, reason = 0): Buffer {
  const reply = Buffer.from(data.subarray(0, HEADER_BYTES));
  reply[3] = kind;
  reply[34] = stage;
  reply[35] = reason;
  return reply;
}

// Dotted-quad IPv4 ⇄ uint32.
export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
