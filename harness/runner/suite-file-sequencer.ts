import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs generated suite files in name order (`kv.part1`, `kv.part2`, …), which is execution order:
 * under `order: blocked` or `random` a mode's run may sit in a later file than its block's baseline,
 * whose result it reads from the artifacts folder. Vitest's default order (slowest or largest file
 * first) would run it before the baseline. Other projects keep Vitest's order; sharding is unchanged.
 */
export class SuiteFileSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isSuite = (f: TestSpecification): boolean => f.project.name === 'experiments';
    const suites = sorted.filter(isSuite).sort((a, b) => (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
    let next = 0;
    return sorted.map((f) => (isSuite(f) ? suites[next++]! : f));
  }
}
