import dgram from 'node:dgram';
import type { KeyChooser } from '../lib/key-chooser.ts';
import type { Outcome, RequestSink } from '../lib/open-loop.ts';
import type { Flow } from './flows.ts';
import { DROP_REASONS, HEADER_BYTES, KIND, STAGES, STAGE_CODE, isPacket, writeHeader, type StageName } from './packet.ts';

export interface NfvTarget {
  /** The first stage (firewall), an IPv4 address. */
  ip: string;
  port: number;
}

interface Pending {
  done: (outcome: Outcome) => void;
  measured: boolean;
  flow: number;
}

/**
 * The open-loop scheduler's view of the chain: each request is one data packet of a chosen flow, sent
 * on a lane's UDP socket. The sink's ack completes it ('ok'); a stage's drop report ends it as 'dropped'
 * (counted per stage and reason); a packet lost without a word is a timeout.
 */
export class NfvPacketSink implements RequestSink {
  private readonly pending = new Map<number, Pending>();
  private readonly now: () => number;
  /** Measured packets dropped, by stage and by `stage.reason`. */
  readonly dropsByStage = new Map<string, number>();
  readonly dropsByReason = new Map<string, number>();
  /** Measured packets delivered per flow id. */
  readonly deliveredPerFlow = new Map<number, number>();
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

  send(conn: number, seq: number, done: (outcome: Outcome) => void, measured: boolean): void {
    const flow = this.flows[this.chooser.next()]!;
    const packet = writeHeader(Buffer.alloc(Math.max(HEADER_BYTES, this.packetSize)), {
      kind: KIND.data, protocol: flow.protocol, flags: 0, stages: 0, seq, flow: flow.id,
      srcIp: flow.srcIp, dstIp: flow.dstIp, srcPort: flow.srcPort, dstPort: flow.dstPort,
      reportIp: 0, reportPort: 0, dropStage: 0, dropReason: 0, sentUs: this.now(),
    });
    this.pending.set(seq >>> 0, { done, measured, flow: flow.id });
    this.sockets[conn % this.sockets.length]!.send(packet, this.target.port, this.target.ip, (err) => {
      if (!err) return;
      this.sendErrors++;
      this.pending.delete(seq >>> 0);
      done('error');
    });
  }

  // Unanswered packets at the end (lost in the chain or still in flight).
  get unanswered(): number {
    return this.pending.size;
  }

  private onReply(msg: Buffer): void {
    if (!isPacket(msg)) return void this.strayReplies++;
    const seq = msg.readUInt32BE(8);
    const p = this.pending.get(seq);
    if (!p) return void this.strayReplies++;
    this.pending.delete(seq);
    if (msg[3] === KIND.ack) {
      if (p.measured) this.deliveredPerFlow.set(p.flow, (this.deliveredPerFlow.get(p.flow) ?? 0) + 1);
      return p.done('ok');
    }
    if (msg[3] === KIND.drop) {
      if (p.measured) {
        const stage = stageOfCode(msg[34]!);
        const reason = `${stage}.${DROP_REASONS[msg[35]! - 1] ?? 'unknown'}`;
        this.dropsByStage.set(stage, (this.dropsByStage.get(stage) ?? 0) + 1);
        this.dropsByReason.set(reason, (this.dropsByReason.get(reason) ?? 0) + 1);
      }
      return p.done('dropped');
    }
    this.strayReplies++;
    p.done('error');
  }
}

function stageOfCode(code: number): StageName | 'unknown' {
  return STAGES.find((s) => STAGE_CODE[s] === code) ?? 'unknown';
}
