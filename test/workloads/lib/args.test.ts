import { describe, expect, it } from 'vitest';
import { UsageError, formatSynopsis, parseFlags, type FlagSpecs } from '../../../experiments/workloads/lib/args.ts';

const SPECS: FlagSpecs = {
  port: { type: 'string', placeholder: '<port>', required: true, help: 'port' },
  rate: { type: 'string', help: 'rate' },
  mode: { type: 'string', help: 'mode' },
};

function usageMessage(argv: string[], read: (f: ReturnType<typeof parseFlags>) => unknown = () => undefined): string {
  try {
    read(parseFlags(SPECS, argv));
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseFlags', () => {
  it('reads typed values with defaults and bounds', () => {
    const f = parseFlags(SPECS, ['--port', '80', '--rate', '2.5']);
    expect(f.int('port', undefined, { min: 1 })).toBe(80);
    expect(f.number('rate')).toBe(2.5);
    expect(f.choice('mode', ['a', 'b'] as const, 'a')).toBe('a');
  });

  it('turns every bad input into a short UsageError', () => {
    expect(usageMessage(['--port', '1', '--nope'])).toBe('unknown flag --nope');
    expect(usageMessage(['--port'])).toBe('--port needs a value');
    expect(usageMessage([])).toBe('--port is required');
    expect(usageMessage(['--port', '1', 'extra'])).toBe('unexpected argument extra');
    expect(usageMessage(['--port', 'x'], (f) => f.int('port'))).toBe("--port must be a number, got 'x'");
    expect(usageMessage(['--port', '1.5'], (f) => f.int('port'))).toBe("--port must be an integer, got '1.5'");
    expect(usageMessage(['--port', '0'], (f) => f.int('port', undefined, { min: 1 }))).toBe('--port must be >= 1, got 0');
    expect(usageMessage(['--port', '1', '--mode', 'c'], (f) => f.choice('mode', ['a', 'b']))).toBe("--mode must be one of a|b, got 'c'");
  });

  it('prints a one-line synopsis', () => {
    expect(formatSynopsis('kv', SPECS)).toBe('kv --port <port> [--rate <value>] [--mode <value>]');
  });
});
