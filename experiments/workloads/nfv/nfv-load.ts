import dgram from 'node:dgram';
import type { KeyChooser } from '../lib/key-chooser.ts';
import type { Completion, RequestSink } from '../lib/open-loop.ts';
import type { Flow } from './flows.ts';
import { DROP_REASONS, HEADER_BYTES, KIND, STAGES, STAGE_CODE, isPacket, writeHeader, type StageName } from './packet.ts';

export interface NfvTarget {
  /** The first stage (firewall), an IPv4 address. */
  ip: string;
  port: number;
}

/**
 * The open-loop scheduler's view of the chain: each request is one data packet of a chosen flow, sent
 * on a lane's UDP socket. The sink's ack completes it ('ok'); a stage's drop report ends it as 'dropped'
 * (counted per stage and reason); a packet lost without a word is a timeout.
 */
export class NfvPacketSink implements RequestSink {
  /** Flow id of each packet in flight, by sequence number. */
  private readonly pending = new Map<number, number>();
  private done: Completion | undefined;
  /** Sequence number of the first measured packet (warm-up packets come before it). */
  private measuredFrom = Number.POSITIVE_INFINITY;
  private readonly now: () => number;
  /** Measured packets dropped, by stage and by `stage.reason`. */
  readonly dropsByStage = new Map<string, number>();
  readonly dropsByReason = new Map<string, number>();
  /** Measured packets delivered per flow id. */
  readonly deliveredPerFlow = new Map<number, number>();
  private lastSeq = 0;
  sendErrors = 0;
  strayReplies = 0;

  constructor(
    private readonly sockets: readonly dgram.Socket[],
    private readonly target: NfvTarget,
    private readonly flows: readonly Flow[],
    private readonly chooser: KeyChooser,
    private readonly packetSize: number,
    clockUs: () => number,
  ) {
    this.now = clockUs;
    for (const s of sockets) s.on('message', (msg) => this.onReply(msg));
  }

  send(conn: number, seq: number, done: Completion, measured: boolean): void {
    this.done = done;
    if (measured && seq < this.measuredFrom) this.measuredFrom = seq;
    this.lastSeq = seq;
    const flow = this.flows[this.chooser.next()]!;
    const packet = writeHeader(Buffer.alloc(Math.max(HEADER_BYTES, this.packetSize)), {
      kind: KIND.data, protocol: flow.protocol, flags: 0, stages: 0, seq, flow: flow.id,
      srcIp: flow.srcIp, dstIp: flow.dstIp, srcPort: flow.srcPort, dstPort: flow.dstPort,
      reportIp: 0, reportPort: 0, dropStage: 0, dropReason: 0, sentUs: this.now(),
    });
    this.pending.set(seq >>> 0, flow.id);
    this.sockets[conn % this.sockets.length]!.send(packet, this.target.port, this.target.ip, (err) => {
      if (!err) return;
      this.sendErrors++;
      this.pending.delete(seq >>> 0);
      done(seq, 'error');
    });
  }

  // Unanswered packets at the end (lost in the chain or still in flight).
  get unanswered(): number {
    return this.pending.size;
  }

  private onReply(msg: Buffer): void {
    if (!isPacket(msg)) return void this.strayReplies++;
    const wireSeq = msg.readUInt32BE(8);
    const flow = this.pending.get(wireSeq);
    if (flow === undefined || !this.done) return void this.strayReplies++;
    this.pending.delete(wireSeq);
    // The wire carries 32 bits of the sequence number; the scheduler's is the one in flight with them.
    const seq = this.fullSeq(wireSeq);
    const measured = seq >= this.measuredFrom;
    if (msg[3] === KIND.ack) {
      if (measured) this.deliveredPerFlow.set(flow, (this.deliveredPerFlow.get(flow) ?? 0) + 1);
      return this.done(seq, 'ok');
    }
    if (msg[3] === KIND.drop) {
      if (measured) {
        const stage = stageOfCode(msg[34]!);
        const reason = `${stage}.${DROP_REASONS[msg[35]! - 1] ?? 'unknown'}`;
        this.dropsByStage.set(stage, (this.dropsByStage.get(stage) ?? 0) + 1);
        this.dropsByReason.set(reason, (this.dropsByReason.get(reason) ?? 0) + 1);
      }
      return this.done(seq, 'dropped');
    }
    this.strayReplies++;
    this.done(seq, 'error');
  }

  // The full sequence number of a packet from its low 32 bits: the latest sent with those bits.
  private fullSeq(wireSeq: number): number {
    const high = Math.floor(this.lastSeq / 2 ** 32) * 2 ** 32;
    const seq = high + wireSeq;
    return seq > this.lastSeq ? seq - 2 ** 32 : seq;
  }
}

function stageOfCode(code: number): StageName | 'unknown' {
  return STAGES.find((s) => STAGE_CODE[s] === code) ?? 'unknown';
}
