import { describe, expect, it } from 'vitest';
import { CleanupStack } from '../../harness/runner/cleanup-stack.ts';

describe('CleanupStack', () => {
  it('runs every step in reverse order', async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    for (const name of ['a', 'b', 'c']) stack.push(name, async () => void order.push(name));
    expect(stack.size).toBe(3);
    await stack.dispose();
    expect(order).toEqual(['c', 'b', 'a']);
    expect(stack.size).toBe(0);
  });

  it('keeps going after a failing step and rethrows its error, labelled', async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.push('first', () => void order.push('first'));
    stack.push('broken', () => {
      throw new Error('boom');
    });
    stack.push('last', () => void order.push('last'));
    await expect(stack.dispose()).rejects.toThrow('broken: boom');
    expect(order).toEqual(['last', 'first']);
  });

  it('throws an AggregateError naming every failed step when several fail', async () => {
    const stack = new CleanupStack();
    stack.push('one', () => Promise.reject(new Error('first failure')));
    stack.push('two', () => {
      throw 'not an Error';
    });
    const err = (await stack.dispose().catch((e: unknown) => e)) as AggregateError;
    expect(err).toBeInstanceOf(AggregateError);
    expect(err.errors.map((e: Error) => e.message)).toEqual(['two: not an Error', 'one: first failure']);
    expect(err.message).toBe('teardown failed in 2 steps:\n  - two: not an Error\n  - one: first failure');
  });

  it('disposes once, and runs a step pushed after disposal at once so nothing outlives the run', async () => {
    let runs = 0;
    const stack = new CleanupStack();
    stack.push('counted', () => void (runs += 1));
    await stack.dispose();
    await stack.dispose();
    expect(runs).toBe(1);
    const late = new Promise<void>((resolve) => stack.push('late', () => resolve()));
    await late; // resolves only because the late step ran
    expect(stack.size).toBe(0);
  });

  it('makes a second dispose() wait for the teardown in progress, and share its outcome', async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    let release!: () => void;
    stack.push('slow stop', () => new Promise<void>((r) => (release = r)).then(() => void order.push('stopped')));
    stack.push('fails', () => Promise.reject(new Error('lost')));
    const first = stack.dispose();
    const second = stack.dispose().then(
      () => order.push('second resolved'),
      (e: Error) => order.push(`second saw ${e.message}`),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]); // the second caller is still waiting: the slow step has not finished
    release();
    await expect(first).rejects.toThrow('fails: lost');
    await second;
    expect(order).toEqual(['stopped', 'second saw fails: lost']);
  });
});
