import { createEpochClockUs } from '../lib/busy-wait.ts';
import { TruthSampler } from '../lib/truth-sampler.ts';
import { evaluate, type Action, type RuleSet } from './firewall-rules.ts';
import { intToIp, protocolName, type PacketHeader } from './packet.ts';
import type { StageAction, StageLogic } from './udp-stage.ts';

/** One sampled firewall decision in truth/firewall.json. */
export interface FirewallDecision {
  /** 1-based ordinal of the packet among all data packets the firewall judged. */
  n: number;
  t_us: number;
  seq: number;
  flow: number;
  proto: string;
  src: string;
  src_port: number;
  dst: string;
  dst_port: number;
  action: Action;
  /** Index of the matching rule, or -1 for the default action. */
  rule: number;
}

export interface FirewallLogicOptions {
  rules: RuleSet;
  truthSample?: number;
  truthLimit: number;
  seed?: number;
}

/** The firewall stage: first-match rules over protocol, ports and addresses; samples its decisions as ground truth. */
export class FirewallLogic implements StageLogic {
  private readonly sampler: TruthSampler;
  private readonly clockUs = createEpochClockUs();
  private readonly decisions: FirewallDecision[] = [];
  private readonly hits: number[];
  private defaultHits = 0;
  allowed = 0;
  denied = 0;

  constructor(private readonly opts: FirewallLogicOptions) {
    this.sampler = new TruthSampler({ sample: opts.truthSample ?? 1, limit: opts.truthLimit, seed: opts.seed ?? 1 });
    this.hits = opts.rules.rules.map(() => 0);
  }

  handle(_packet: Buffer, h: PacketHeader): StageAction {
    const verdict = evaluate(this.opts.rules, h);
    if (verdict.rule >= 0) this.hits[verdict.rule]!++;
    else this.defaultHits++;
    if (verdict.action === 'allow') this.allowed++;
    else this.denied++;
    if (this.sampler.offer()) {
      this.decisions.push({
        n: this.sampler.events,
        t_us: this.clockUs(),
        seq: h.seq,
        flow: h.flow,
        proto: protocolName(h.protocol),
        src: intToIp(h.srcIp),
        src_port: h.srcPort,
        dst: intToIp(h.dstIp),
        dst_port: h.dstPort,
        action: verdict.action,
        rule: verdict.rule,
      });
    }
    return verdict.action === 'allow' ? { kind: 'forward' } : { kind: 'drop', reason: 'deny' };
  }

  report(): Record<string, unknown> {
    return {
      default_action: this.opts.rules.defaultAction,
      rules: this.opts.rules.rules.map((r, i) => ({ index: i, rule: r.text, hits: this.hits[i] })),
      default_hits: this.defaultHits,
      allowed: this.allowed,
      denied: this.denied,
      truth: this.sampler.counts(),
      decisions: this.decisions,
    };
  }
}
