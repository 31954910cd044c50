// The mutations axis in variant labels (named by the descriptor's `mutations:`): `mutation=<name>[,other params]` (plan/mutations.ts adds the
// axis first, so the label always starts with it).

export const MUTATION_PARAM = 'mutation';
/** The value of the axis that names the unpatched checkout. */
export const BASE_MUTATION = 'base';

const LABEL = new RegExp(`^${MUTATION_PARAM}=([A-Za-z0-9_.-]+)(?:,(.*))?$`);

/** `mutation=<name>[,rest]` → the mutation and the rest of the variant label (`default` when none); null without the axis. */
export function splitMutationVariant(variant: string): { mutation: string; rest: string } | null {
  const m = LABEL.exec(variant);
  return m ? { mutation: m[1]!, rest: m[2] || 'default' } : null;
}
