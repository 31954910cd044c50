import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleError, evaluate, loadRulesFile, parseRuleSpec, type RuleSet } from '../../../experiments/workloads/nfv/firewall-rules.ts';
import { buildFlows } from '../../../experiments/workloads/nfv/flows.ts';
import { HEADER_BYTES, KIND, intToIp, ipToInt, isPacket, makeReply, readHeader, writeHeader, type PacketHeader } from '../../../experiments/workloads/nfv/packet.ts';

const HEADER: PacketHeader = {
  kind: KIND.data, protocol: 6, flags: 0, stages: 0, seq: 4_000_000_001, flow: 7, srcIp: ipToInt('10.0.0.8')!, dstIp: ipToInt('192.0.2.10')!,
  srcPort: 10007, dstPort: 22, reportIp: 0, reportPort: 0, dropStage: 0, dropReason: 0, sentUs: 1_795_000_000_123_456,
};

describe('nfv packet header', () => {
  it('round-trips every field, including a µs epoch timestamp and a sequence number above 2^31', () => {
    const buf = writeHeader(Buffer.alloc(64), HEADER);
    expect(isPacket(buf)).toBe(true);
    expect(readHeader(buf)).toEqual(HEADER);
    expect(isPacket(buf.subarray(0, HEADER_BYTES - 1))).toBe(false);
    const reply = makeReply(buf, KIND.drop, 1, 1);
    expect(reply.length).toBe(HEADER_BYTES);
    expect(readHeader(reply)).toEqual({ ...HEADER, kind: KIND.drop, dropStage: 1, dropReason: 1 });
  });

  it('converts IPv4 addresses both ways and rejects others', () => {
    expect(intToIp(ipToInt('203.0.113.255')!)).toBe('203.0.113.255');
    expect(ipToInt('256.0.0.1')).toBeUndefined();
    expect(ipToInt('::1')).toBeUndefined();
  });

  it('builds deterministic flows with protocols and destination ports cycled', () => {
    const flows = buildFlows({ count: 4, protocols: [17, 6], dstPorts: [80, 443, 22], srcBase: ipToInt('10.0.0.0')!, srcPortBase: 10_000, dstIp: 1 });
    expect(flows.map((f) => [f.protocol, intToIp(f.srcIp), f.srcPort, f.dstPort])).toEqual([
      [17, '10.0.0.1', 10000, 80], [6, '10.0.0.2', 10001, 443], [17, '10.0.0.3', 10002, 22], [6, '10.0.0.4', 10003, 80],
    ]);
  });
});

describe('firewall rules', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('parses specs and decides by the first matching rule, else the default action', () => {
    const set: RuleSet = {
      defaultAction: 'deny',
      rules: parseRuleSpec('deny proto=tcp dst_port=22,6000-6100; allow src=10.0.0.0/8 src_port=10000-10010 ;  allow proto=udp'),
    };
    expect(set.rules.map((r) => r.text)).toEqual(['deny proto=tcp dst_port=22,6000-6100', 'allow src=10.0.0.0/8 src_port=10000-10010', 'allow proto=udp']);
    expect(evaluate(set, HEADER)).toEqual({ action: 'deny', rule: 0 });
    expect(evaluate(set, { ...HEADER, dstPort: 6050 })).toEqual({ action: 'deny', rule: 0 });
    expect(evaluate(set, { ...HEADER, dstPort: 80 })).toEqual({ action: 'allow', rule: 1 });
    expect(evaluate(set, { ...HEADER, dstPort: 80, srcIp: ipToInt('11.0.0.1')! })).toEqual({ action: 'deny', rule: -1 });
    expect(evaluate(set, { ...HEADER, dstPort: 80, srcPort: 20, protocol: 17 })).toEqual({ action: 'allow', rule: 2 });
  });

  it('loads YAML and JSON rules files', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fw-rules-'));
    const yamlFile = path.join(dir, 'rules.yaml');
    writeFileSync(yamlFile, 'default: deny\nrules:\n  - { action: allow, proto: udp, dst_ports: [53, "8000-8100"] }\n  - action: allow\n    src: 10.1.0.0/16\n');
    const y = loadRulesFile(yamlFile);
    expect(y.defaultAction).toBe('deny');
    expect(y.rules.map((r) => r.text)).toEqual(['allow proto=udp dst_ports=53,8000-8100', 'allow src=10.1.0.0/16']);
    expect(evaluate({ defaultAction: 'deny', rules: y.rules }, { ...HEADER, protocol: 17, dstPort: 8050 }).action).toBe('allow');
    const jsonFile = path.join(dir, 'rules.json');
    writeFileSync(jsonFile, JSON.stringify({ rules: [{ action: 'deny', sport: '0-1023' }] }));
    expect(loadRulesFile(jsonFile)).toMatchObject({ rules: [{ action: 'deny', srcPorts: [{ from: 0, to: 1023 }] }] });
  });

  it('says which rule is wrong and why', () => {
    expect(() => parseRuleSpec('allow; drop dst_port=1')).toThrow(/rule 2 'drop dst_port=1': action must be allow or deny/);
    expect(() => parseRuleSpec('deny port=22')).toThrow(/unknown field 'port'/);
    expect(() => parseRuleSpec('deny dst_port=30-20')).toThrow(/bad port range '30-20'/);
    expect(() => parseRuleSpec('deny proto=sctp')).toThrow(RuleError);
    expect(() => parseRuleSpec('deny src=10.0.0.0/33')).toThrow(/bad address/);
  });
});
