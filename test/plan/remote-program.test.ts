import { describe, expect, it } from 'vitest';
import { bundledArgv, bundleName, bundlesUsed } from '../../harness/plan/remote-program.ts';

describe('remote clients run the deployed bundles', () => {
  it('names a bundle after its workload path', () => {
    expect(bundleName('experiments/workloads/kv/generator.ts')).toBe('kv-generator.mjs');
    expect(bundleName('./experiments/workloads/nfv/sink.ts')).toBe('nfv-sink.mjs');
    expect(bundleName('experiments/agents/reference-observer.ts')).toBeUndefined();
    expect(bundleName('/abs/experiments/workloads/kv/generator.ts')).toBeUndefined();
    expect(bundleName('experiments/workloads/../../etc/passwd.ts')).toBeUndefined();
  });

  it('rewrites node --import tsx, tsx and npx tsx launchers, keeping the arguments and other node flags', () => {
    const args = ['--rate', '5', '--host', '10.211.0.1'];
    const want = ['node', '.harness/bundle/kv-generator.mjs', ...args];
    expect(bundledArgv(['node', '--import', 'tsx', 'experiments/workloads/kv/generator.ts', ...args])).toEqual(want);
    expect(bundledArgv(['node', '--import=tsx', 'experiments/workloads/kv/generator.ts', ...args])).toEqual(want);
    expect(bundledArgv(['node', '--import', '/x/node_modules/tsx/dist/loader.mjs', 'experiments/workloads/kv/generator.ts', ...args])).toEqual(want);
    expect(bundledArgv(['tsx', 'experiments/workloads/kv/generator.ts', ...args])).toEqual(want);
    expect(bundledArgv(['npx', 'tsx', 'experiments/workloads/kv/generator.ts', ...args])).toEqual(want);
    expect(bundledArgv(['node', '--max-old-space-size=512', '--import', 'tsx', '--require', './x.cjs', 'experiments/workloads/kv/generator.ts'])).toEqual([
      'node',
      '--max-old-space-size=512',
      '--require',
      './x.cjs',
      '.harness/bundle/kv-generator.mjs',
    ]);
  });

  it('leaves every other command alone', () => {
    for (const argv of [['sh', '-c', 'node experiments/workloads/kv/generator.ts'], ['node', 'tools/other.ts'], ['python3', 'experiments/workloads/x.py'], ['node', '--import', 'tsx'], []]) {
      expect(bundledArgv(argv)).toEqual(argv);
    }
  });

  it('lists the bundles an argv starts', () => {
    expect(bundlesUsed(['node', '.harness/bundle/kv-generator.mjs', '--x'])).toEqual(['kv-generator.mjs']);
    expect(bundlesUsed(['sh', '-c', 'true'])).toEqual([]);
  });
});
