import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { KIND, STAGE_BIT, STAGE_CODE, DROP_REASONS, ipToInt, intToIp, isPacket, makeReply, readHeader, type DropReason, type PacketHeader, type StageName } from './packet.ts';

export interface UdpAddress {
  host: string;
  port: number;
}

/** What a stage does with a data packet: pass it on, drop it (and tell the sender), or deliver it (sink). */
export type StageAction = { kind: 'forward' } | { kind: 'drop'; reason: DropReason } | { kind: 'deliver' };

/** A stage's packet logic; it may rewrite the packet in place (NAT) before it is forwarded. */
export interface StageLogic {
  handle(packet: Buffer, header: PacketHeader): StageAction;
  /** Stage-specific figures for the stats file (flows, NAT mappings, sampled decisions…). */
  report?(): Record<string, unknown>;
}

export interface UdpStageOptions {
  name: StageName;
  listen: UdpAddress;
  /** The next stage; absent for the sink. */
  next?: UdpAddress;
  logic: StageLogic;
  /** Requested socket receive buffer; the kernel may cap it (net.core.rmem_max). @default 4 MiB */
  recvBufferBytes?: number;
}

/** The counters every stage keeps; a stage's stats file holds them plus its own report. */
export interface StageCounters {
  /** Data packets received. */
  received: number;
  forwarded: number;
  /** Sink only: packets that reached the end of the chain (each acknowledged to the sender). */
  delivered: number;
  /** Data packets dropped here, by reason (each reported to the sender). */
  dropped: Record<DropReason, number>;
  /** Datagrams that were not chain packets (bad magic, too short, not data). */
  malformed: number;
  /** Packets with no report address (a sender this stage cannot answer). */
  unanswerable: number;
}

/**
 * One stage of the UDP service chain: a socket on `listen`, a logic, a next hop. The first stage stamps
 * the sender's address into packets so that later stages can acknowledge deliveries and report drops
 * straight to the generator (acks come back even when the generator runs on another node).
 */
export class UdpStage {
  private socket: dgram.Socket | undefined;
  private nextIp: string | undefined;
  readonly counters: StageCounters = {
    received: 0,
    forwarded: 0,
    delivered: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    malformed: 0,
    unanswerable: 0,
  };
  listenAddress: UdpAddress | undefined;

  constructor(private readonly opts: UdpStageOptions) {}

  // Resolve the next hop once (sends to a name would look it up per packet), bind, and start serving.
  async start(): Promise<UdpAddress> {
    if (this.opts.next) this.nextIp = (await lookup(this.opts.next.host, { family: 4 })).address;
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: this.opts.recvBufferBytes ?? 4 * 1024 * 1024 });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.listen.port, this.opts.listen.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) => process.stderr.write(`nfv ${this.opts.name}: socket error: ${err.message}\n`));
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    const a = socket.address();
    this.listenAddress = { host: a.address, port: a.port };
    return this.listenAddress;
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  // The stats document written on stop: counters, addresses, and the logic's own report.
  stats(): Record<string, unknown> {
    const next = this.opts.next ? `${this.nextIp ?? this.opts.next.host}:${this.opts.next.port}` : null;
    return {
      schema: 'harness.nfv-stage/v1',
      stage: this.opts.name,
      listen: this.listenAddress ? `${this.listenAddress.host}:${this.listenAddress.port}` : null,
      next,
      ...this.counters,
      ...this.opts.logic.report?.(),
    };
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!isPacket(msg) || msg[3] !== KIND.data) {
      this.counters.malformed++;
      return;
    }
    this.counters.received++;
    if (msg.readUInt16BE(32) === 0) {
      // First stage: remember who sent it, so acks and drop reports find their way back.
      const ip = ipToInt(rinfo.address);
      if (ip !== undefined) {
        msg.writeUInt32BE(ip, 28);
        msg.writeUInt16BE(rinfo.port, 32);
      }
    }
    msg[6] = msg[6]! | STAGE_BIT[this.opts.name];
    const header = readHeader(msg);
    const action = this.opts.logic.handle(msg, header);
    if (action.kind === 'forward') this.forward(msg);
    else if (action.kind === 'drop') this.drop(msg, action.reason);
    else {
      this.counters.delivered++;
      this.reply(msg, makeReply(msg, KIND.ack));
    }
  }

  private forward(msg: Buffer): void {
    this.socket?.send(msg, this.opts.next!.port, this.nextIp!, (err) => {
      if (err) this.drop(msg, 'send_error');
      else this.counters.forwarded++;
    });
  }

  private drop(msg: Buffer, reason: DropReason): void {
    this.counters.dropped[reason]++;
    this.reply(msg, makeReply(msg, KIND.drop, STAGE_CODE[this.opts.name], DROP_REASONS.indexOf(reason) + 1));
  }

  // Send an ack or drop report to the packet's report address.
  private reply(msg: Buffer, reply: Buffer): void {
    const port = msg.readUInt16BE(32);
    if (port === 0) {
      this.counters.unanswerable++;
      return;
    }
    this.socket?.send(reply, port, intToIp(msg.readUInt32BE(28)));
  }
}
