import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ipToInt, protocolNumber, type PacketHeader } from './packet.ts';

export type Action = 'allow' | 'deny';

export interface PortRange {
  from: number;
  to: number;
}

export interface Cidr {
  base: number;
  mask: number;
}

/** One rule: every field given must match; the first matching rule decides. */
export interface FirewallRule {
  action: Action;
  protocol?: number;
  srcPorts?: PortRange[];
  dstPorts?: PortRange[];
  src?: Cidr;
  dst?: Cidr;
  /** The rule as written, for truth logs and messages. */
  text: string;
}

export interface RuleSet {
  /** Applied when no rule matches. */
  defaultAction: Action;
  rules: FirewallRule[];
}

/** A rule that cannot be understood; the message says which rule and what. */
export class RuleError extends Error {
  override readonly name = 'RuleError';
}

/** The verdict for one packet: `rule` is the index of the matching rule, -1 for the default action. */
export interface Verdict {
  action: Action;
  rule: number;
}

// First matching rule wins; otherwise the default action.
export function evaluate(set: RuleSet, h: PacketHeader): Verdict {
  for (let i = 0; i < set.rules.length; i++) {
    if (matches(set.rules[i]!, h)) return { action: set.rules[i]!.action, rule: i };
  }
  return { action: set.defaultAction, rule: -1 };
}

function matches(r: FirewallRule, h: PacketHeader): boolean {
  if (r.protocol !== undefined && r.protocol !== h.protocol) return false;
  if (r.srcPorts && !inRanges(r.srcPorts, h.srcPort)) return false;
  if (r.dstPorts && !inRanges(r.dstPorts, h.dstPort)) return false;
  if (r.src && !inCidr(r.src, h.srcIp)) return false;
  if (r.dst && !inCidr(r.dst, h.dstIp)) return false;
  return true;
}

const inRanges = (ranges: PortRange[], port: number): boolean => ranges.some((r) => port >= r.from && port <= r.to);
const inCidr = (c: Cidr, ip: number): boolean => ((ip & c.mask) >>> 0) === c.base;

// Field names accepted in specs and files, and what they set.
const FIELD_ALIASES: Record<string, 'protocol' | 'srcPorts' | 'dstPorts' | 'src' | 'dst'> = {
  proto: 'protocol', protocol: 'protocol',
  src_port: 'srcPorts', src_ports: 'srcPorts', sport: 'srcPorts',
  dst_port: 'dstPorts', dst_ports: 'dstPorts', dport: 'dstPorts',
  src: 'src', dst: 'dst',
};

/**
 * Rules from text: `;`-separated, each `<allow|deny> [proto=tcp] [src_port=0-1023] [dst_port=22,6000-6100]
 * [src=10.0.0.0/8] [dst=192.0.2.0/24]`; a bare `allow`/`deny` matches everything.
 */
export function parseRuleSpec(spec: string): FirewallRule[] {
  return spec
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text, i) => {
      const [action, ...fields] = text.split(/\s+/);
      const entries = fields.map((f) => {
        const eq = f.indexOf('=');
        if (eq <= 0) throw new RuleError(`rule ${i + 1} '${text}': expected key=value, got '${f}'`);
        return [f.slice(0, eq), f.slice(eq + 1)] as [string, string];
      });
      return buildRule(action!, entries, text, `rule ${i + 1} '${text}'`);
    });
}

/** A rules file (JSON or YAML): `{ default: allow|deny, rules: [{ action, proto, src_ports, dst_ports, src, dst }] }`. */
export function loadRulesFile(file: string): { defaultAction?: Action; rules: FirewallRule[] } {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8')); // YAML is a superset of JSON
  } catch (err) {
    throw new RuleError(`${file}: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new RuleError(`${file}: expected a mapping with 'rules'`);
  const { default: def, rules, ...rest } = doc as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new RuleError(`${file}: unknown key '${unknown[0]}' (expected default, rules)`);
  if (def !== undefined && def !== 'allow' && def !== 'deny') throw new RuleError(`${file}: default must be allow or deny`);
  if (rules !== undefined && !Array.isArray(rules)) throw new RuleError(`${file}: rules must be a list`);
  const list = (rules ?? []) as unknown[];
  const parsed = list.map((r, i) => {
    const where = `${file}: rules[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new RuleError(`${where}: expected a mapping`);
    const { action, ...fields } = r as Record<string, unknown>;
    const entries = Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)] as [string, string]);
    const text = [String(action), ...entries.map(([k, v]) => `${k}=${v}`)].join(' ');
    return buildRule(String(action), entries, text, where);
  });
  return { ...(def ? { defaultAction: def } : {}), rules: parsed };
}

function buildRule(action: string, entries: [string, string][], text: string, where: string): FirewallRule {
  if (action !== 'allow' && action !== 'deny') throw new RuleError(`${where}: action must be allow or deny, got '${action}'`);
  const rule: FirewallRule = { action, text };
  for (const [key, value] of entries) {
    const field = FIELD_ALIASES[key];
    if (!field) throw new RuleError(`${where}: unknown field '${key}' (use proto, src_port, dst_port, src, dst)`);
    if (field === 'protocol') {
      if (value === 'any') continue;
      const p = protocolNumber(value);
      if (p === undefined) throw new RuleError(`${where}: unknown protocol '${value}' (tcp, udp, icmp, any or 0-255)`);
      rule.protocol = p;
    } else if (field === 'srcPorts' || field === 'dstPorts') {
      rule[field] = parsePortRanges(value, where);
    } else {
      rule[field] = parseCidr(value, where);
    }
  }
  return rule;
}

// `22`, `6000-6100`, `80,443,8000-8100`.
export function parsePortRanges(text: string, where = 'ports'): PortRange[] {
  return text.split(',').map((part) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    const from = m ? Number(m[1]) : NaN;
    const to = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || from > 65535 || to > 65535 || from > to) throw new RuleError(`${where}: bad port range '${part}'`);
    return { from, to };
  });
}

// `10.0.0.0/8` or a single address.
function parseCidr(text: string, where: string): Cidr {
  const [ip, bitsText] = text.split('/');
  const base = ipToInt(ip ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) throw new RuleError(`${where}: bad address '${text}' (IPv4 or CIDR)`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, mask };
}
