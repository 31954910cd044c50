import { splitMutationVariant as splitVariant } from '../config/mutation-label.ts';
import { CompareInputError } from './compare.ts';
import type { SuiteSummary } from './summary.ts';

/**
 * One side of a mutation comparison: the groups of one value of the `mutation` axis, relabelled
 * without it, so `mutation=base,delta=5` and `mutation=kv-slow-get,delta=5` meet as `delta=5`.
 */
export function mutationSide(summary: SuiteSummary, mutation: string, label: string): SuiteSummary {
  const groups = summary.groups.flatMap((g) => {
    const v = splitVariant(g.variant);
    return v?.mutation === mutation ? [{ ...g, variant: v.rest }] : [];
  });
  if (groups.length === 0) {
    const present = [...new Set(summary.groups.map((g) => splitVariant(g.variant)?.mutation).filter((m) => m !== undefined))];
    throw new CompareInputError(`${label} has no runs of mutation \`${mutation}\` (${present.length ? `its mutations: ${present.join(', ')}` : 'it has no mutation axis: add `mutations:` to the workload entry'})`);
  }
  const overhead = summary.overhead.flatMap((o) => {
    const v = splitVariant(o.variant);
    return v?.mutation === mutation ? [{ ...o, variant: v.rest }] : [];
  });
  return { ...summary, groups, overhead };
}
