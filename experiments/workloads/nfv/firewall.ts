// nfv firewall stage: first-match allow/deny rules (protocol, port ranges, addresses); denied packets are
// dropped and reported to the sender; sampled decisions go to the truth file (truth/firewall.json).
// Usage: node --import tsx experiments/workloads/nfv/firewall.ts --port 9000 --next-port 9001 --rule 'deny dst_port=22'
import { CliError, runCli, type Flags } from '../lib/args.ts';
import { FirewallLogic } from './firewall-logic.ts';
import { RuleError, loadRulesFile, parseRuleSpec, type RuleSet } from './firewall-rules.ts';
import { runStage, stageFlags, truthLimit } from './stage-cli.ts';

const FLAGS = {
  ...stageFlags(true),
  rules: { type: 'string', placeholder: '<file>', help: 'rules file, JSON or YAML: { default: allow|deny, rules: [{ action, proto, src_ports, dst_ports, src, dst }] }' },
  rule: { type: 'string', placeholder: '<spec>', help: "rules after the file's: 'deny proto=tcp dst_port=22,6000-6100; allow src=10.0.0.0/8'" },
  'default-action': { type: 'string', placeholder: 'allow|deny', defaultText: "the file's, else allow", help: 'verdict when no rule matches' },
  'truth-sample': { type: 'string', placeholder: '<0..1>', defaultText: '1', help: 'share of packets whose decision is recorded (seeded)' },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of the truth sample' },
} as const;

function readRules(f: Flags): RuleSet {
  try {
    const file = f.has('rules') ? loadRulesFile(f.string('rules')) : { rules: [] };
    const inline = parseRuleSpec(f.string('rule', ''));
    const fallback = 'defaultAction' in file ? file.defaultAction : undefined;
    return { defaultAction: f.choice('default-action', ['allow', 'deny'] as const, fallback ?? 'allow'), rules: [...file.rules, ...inline] };
  } catch (err) {
    if (err instanceof RuleError) throw new CliError(`bad firewall rules: ${err.message}`);
    throw err;
  }
}

await runCli('nfv-firewall', FLAGS, (f) => {
  const rules = readRules(f);
  const logic = new FirewallLogic({ rules, truthSample: f.number('truth-sample', 1, { min: 0, max: 1 }), truthLimit: truthLimit(f), seed: f.int('seed', 1) });
  return runStage('firewall', f, logic);
});
