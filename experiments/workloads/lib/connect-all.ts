import { CliError } from './args.ts';

// Open every connection or none: a partial set would silently offer load over fewer lanes.
// `what` names the target in the error, e.g. 'kv server at 127.0.0.1:6390'.
export async function connectAll<C extends { close(): void }>(count: number, open: () => Promise<C>, what: string): Promise<C[]> {
  const attempts = await Promise.allSettled(Array.from({ length: count }, open));
  const failed = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (!failed) return attempts.map((a) => (a as PromiseFulfilledResult<C>).value);
  for (const a of attempts) if (a.status === 'fulfilled') a.value.close();
  throw new CliError(`cannot connect to ${what}: ${(failed.reason as Error).message}`);
}
