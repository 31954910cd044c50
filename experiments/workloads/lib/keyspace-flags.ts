import type { FlagSpecs, Flags } from './args.ts';
import { KEY_DISTS, createKeyChooser, type KeyChooser, type KeyDist } from './key-chooser.ts';
import { SeededRandom, deriveSeed } from './prng.ts';

/** Which keys requests use: the keyspace size and how popular each key is. */
export interface KeyspaceConfig {
  keys: number;
  keyDist: KeyDist;
  zipfS: number;
}

// Flag specs of the keyspace; `keysHelp` says what a key is for this workload.
export function keyspaceFlags(defaultKeys: number, keysHelp: string): FlagSpecs {
  return {
    keys: { type: 'string', placeholder: '<n>', defaultText: String(defaultKeys), help: keysHelp },
    'key-dist': { type: 'string', placeholder: KEY_DISTS.join('|'), defaultText: 'uniform', help: 'key popularity' },
    'zipf-s': { type: 'string', placeholder: '<s>', defaultText: '0.99', help: 'Zipf exponent for --key-dist zipfian' },
  };
}

export function readKeyspaceFlags(f: Flags, defaultKeys: number): KeyspaceConfig {
  return {
    keys: f.int('keys', defaultKeys, { min: 1, max: 50_000_000 }),
    keyDist: f.choice('key-dist', KEY_DISTS, 'uniform'),
    zipfS: f.number('zipf-s', 0.99, { min: 0.000001, max: 10 }),
  };
}

// The key chooser of a run, seeded from the generator's seed (stream 1; arrivals use stream 0).
export function keyspaceChooser(k: KeyspaceConfig, seed: number): KeyChooser {
  return createKeyChooser(k.keyDist, k.keys, new SeededRandom(deriveSeed(seed, 1)), k.zipfS);
}

// The keyspace as metrics `params` (zipf_s only where it applies).
export function keyspaceParams(k: KeyspaceConfig): Record<string, number | string> {
  return { keys: k.keys, key_dist: k.keyDist, ...(k.keyDist === 'zipfian' ? { zipf_s: k.zipfS } : {}) };
}
