import { describe, expect, it } from 'vitest';
import type { RemoteHost } from '../../harness/remote/index.ts';
import { checkNode, checkSpace, checkWorkdir } from '../../harness/deploy/checks.ts';
import { DeployError } from '../../harness/deploy/index.ts';
import type { RemoteState } from '../../harness/deploy/remote-state.ts';

// The checks read only the host's name and label (no connection is made).
const host = { label: 'gen1 (10.0.0.2:22)', target: { alias: 'gen1' } } as unknown as RemoteHost;

function state(over: Partial<RemoteState> = {}): RemoteState {
  return {
    user: 'gen',
    uid: 1000,
    home: '/home/gen',
    workdir: '/home/gen/MS',
    node: 'v20.19.0',
    existing: { path: '/home/gen/MS', uid: 1000, owner: 'gen', isDir: true, writable: true },
    workdirExists: true,
    availKib: 1_000_000,
    bundleDir: null,
    manifest: null,
    manifestProblem: null,
    files: new Map(),
    ...over,
  };
}

const problem = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DeployError);
    return (err as DeployError).problem;
  }
  return 'none';
};

describe('deploy checks of a generator node', () => {
  it('wants Node 20 or newer, and says which it found', () => {
    expect(checkNode(state(), host)).toBe('v20.19.0');
    expect(checkNode(state({ node: 'v22.1.0' }), host)).toBe('v22.1.0');
    expect(problem(() => checkNode(state({ node: 'v18.20.4' }), host))).toBe('old-node');
    expect(problem(() => checkNode(state({ node: 'garbage' }), host))).toBe('old-node');
    expect(problem(() => checkNode(state({ node: null }), host))).toBe('no-node');
  });

  it('accepts its own writable workdir or a creatable one, and names each other case', () => {
    expect(problem(() => checkWorkdir(state(), host, '~/MS'))).toBe('none');
    expect(problem(() => checkWorkdir(state({ workdirExists: false, existing: { path: '/home/gen', uid: 1000, owner: 'gen', isDir: true, writable: true } }), host, '~/MS'))).toBe('none');
    expect(problem(() => checkWorkdir(state({ existing: { path: '/home/gen/MS', uid: 0, owner: 'root', isDir: true, writable: true } }), host, '~/MS'))).toBe('workdir-foreign-owner');
    expect(problem(() => checkWorkdir(state({ existing: { path: '/home/gen/MS', uid: 1000, owner: 'gen', isDir: true, writable: false } }), host, '~/MS'))).toBe('workdir-not-writable');
    expect(problem(() => checkWorkdir(state({ existing: { path: '/home/gen/MS', uid: 1000, owner: 'gen', isDir: false, writable: true } }), host, '~/MS'))).toBe('workdir-not-writable');
    expect(problem(() => checkWorkdir(state({ workdirExists: false, existing: { path: '/', uid: 0, owner: 'root', isDir: true, writable: false } }), host, '/opt/MS'))).toBe('workdir-not-writable');
    expect(problem(() => checkWorkdir(state({ bundleDir: { uid: 1000, writable: false } }), host, '~/MS'))).toBe('permission-denied');
  });

  it('wants room for the bundle plus a little', () => {
    expect(problem(() => checkSpace(state({ availKib: 3000 }), host, 2_000_000))).toBe('none');
    expect(problem(() => checkSpace(state({ availKib: 1000 }), host, 2_000_000))).toBe('disk-full');
  });
});
