import { readHostFacts, type HostFacts } from '../results/provenance.ts';

export type CheckName = 'governor' | 'smt' | 'turbo' | 'clock';

export interface CheckResult {
  name: CheckName | string;
  status: 'ok' | 'warn' | 'unknown';
  value: string | null;
  expected: string;
  hint: string;
}

// Pre-flight checks a program can make of the platform's measurement settings (BIOS settings cannot be read).
export function hostChecks(facts: HostFacts = readHostFacts()): CheckResult[] {
  const check = (name: CheckName, value: string | null, good: (v: string) => boolean, expected: string, hint: string): CheckResult => ({
    name,
    value,
    expected,
    hint,
    status: value === null ? 'unknown' : good(value) ? 'ok' : 'warn',
  });
  return [
    check('governor', facts.governor, (v) => v === 'performance', 'performance', 'cpupower frequency-set -g performance (or echo performance > /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor)'),
    check('smt', facts.smt, (v) => v === 'off' || v === 'forceoff' || v === 'notsupported', 'off', 'echo off > /sys/devices/system/cpu/smt/control, or disable SMT in the BIOS'),
    check('turbo', facts.turbo, (v) => v === 'off', 'off', 'echo 1 > /sys/devices/system/cpu/intel_pstate/no_turbo (or 0 > cpufreq/boost)'),
    check('clock', facts.clock_sync, (v) => v === 'chrony: synchronised', 'chrony: synchronised', 'install and start chrony (or PTP) on both nodes: results compare timestamps across hosts'),
  ];
}

// Exit status for a set of results: the named checks are fatal unless ok.
export function fatalFailures(results: CheckResult[], fatal: string[]): CheckResult[] {
  return results.filter((r) => fatal.includes(r.name) && r.status !== 'ok');
}
