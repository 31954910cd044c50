import { describe, expect, it } from 'vitest';
import { expandParameters } from '../../harness/plan/parameters.ts';

const noIssues = (): never => {
  throw new Error('unexpected issue');
};
const labels = (p: Record<string, unknown>): string[] => expandParameters(p, noIssues).variants.map((v) => v.label);

describe('expandParameters', () => {
  it('treats lists as axes, mappings as groups and scalars as fixed values', () => {
    const space = expandParameters({ a: [1, 2], g: { x: [10, 20], y: 'fixed' }, c: 'same' }, noIssues);
    expect(space.axes.map((a) => a.name)).toEqual(['a', 'g.x']);
    expect(space.fixed).toEqual({ 'g.y': 'fixed', c: 'same' });
    expect(space.variants.map((v) => v.label)).toEqual(['a=1,g.x=10', 'a=1,g.x=20', 'a=2,g.x=10', 'a=2,g.x=20']);
    expect(space.variants[3]!.params).toEqual({ a: 2, 'g.x': 20, 'g.y': 'fixed', c: 'same' });
  });

  it('has a single `default` variant without axes', () => {
    expect(labels({})).toEqual(['default']);
    expect(labels({ only: 3 })).toEqual(['default']);
  });

  it('excludes matching combinations, including group keys written nested', () => {
    expect(labels({ a: [1, 2], g: { x: [10, 20] }, exclude: [{ a: 2, g: { x: 20 } }, { a: 1, 'g.x': 10 }] })).toEqual(['a=1,g.x=20', 'a=2,g.x=10']);
  });

  // The worked example of GitHub's matrix documentation.
  it('includes like a GitHub Actions matrix', () => {
    const space = expandParameters(
      {
        fruit: ['apple', 'pear'],
        animal: ['cat', 'dog'],
        include: [{ color: 'green' }, { color: 'pink', animal: 'cat' }, { fruit: 'apple', shape: 'circle' }, { fruit: 'banana' }, { fruit: 'banana', animal: 'cat' }],
      },
      noIssues,
    );
    expect(space.variants.map((v) => v.params)).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
  });

  it('makes each include row its own variant when there are no axes', () => {
    expect(labels({ include: [{ x: 1 }, { x: 2, y: 3 }] })).toEqual(['x=1', 'x=2,y=3']);
  });

  it('reports an exclude naming no axis, with a suggestion', () => {
    const issues: string[] = [];
    expandParameters({ rate: [1, 2], exclude: [{ rtae: 1 }] }, (path, message, hint) => issues.push(`${path.join('.')}: ${message} (${hint})`));
    expect(issues).toEqual(['exclude.0.rtae: exclude names `rtae`, which is not a parameter axis (did you mean `rate`?)']);
  });

  it('gives file-safe slugs and shortens long ones without collisions', () => {
    const space = expandParameters({ 'rate_scan.samples_per_core': [500], long: ['x'.repeat(80), 'y'.repeat(80)] }, noIssues);
    expect(space.variants[0]!.slug).toMatch(/^rate_scan\.samples_per_core-500_long-x+_[0-9a-f]{10}$/);
    expect(new Set(space.variants.map((v) => v.slug)).size).toBe(2);
    expect(space.variants.every((v) => v.slug.length <= 64)).toBe(true);
  });
});
