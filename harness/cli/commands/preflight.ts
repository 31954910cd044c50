import { fatalFailures, hostChecks, type CheckResult } from '../../preflight/checks.ts';
import { writeJsonSafe } from '../../util/safe-file.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';

const KNOWN = ['governor', 'smt', 'turbo', 'clock'];

// `harness preflight [--fatal governor,smt] [--out FILE]`: record the host's measurement-relevant state.
export function preflightCommand(opts: { fatal?: string; out?: string }, io: CliIo): number {
  const fatal = (opts.fatal ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = fatal.filter((f) => !KNOWN.includes(f));
  if (unknown.length) throw new UsageError(`--fatal names unknown checks: ${unknown.join(', ')} (known: ${KNOWN.join(', ')})`);
  const results: CheckResult[] = hostChecks();
  for (const r of results) io.stdout.write(`${r.status.padEnd(7)} ${r.name.padEnd(9)} ${r.value ?? '(cannot tell here)'}${r.status === 'warn' ? `  — expected ${r.expected}: ${r.hint}` : ''}\n`);
  const failed = fatalFailures(results, fatal);
  if (opts.out) writeJsonSafe(opts.out, { checked_at: new Date().toISOString(), results, fatal, failed: failed.map((f) => f.name) });
  if (failed.length) {
    io.stderr.write(`error: pre-flight checks marked fatal did not pass: ${failed.map((f) => `${f.name} = ${f.value ?? 'unknown'} (expected ${f.expected})`).join('; ')}\n`);
    return 1;
  }
  return 0;
}
