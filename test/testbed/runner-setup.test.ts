// testbed/runner-setup.sh, the documented installer of a testbed runner's prerequisites: what it
// installs (--dry-run, run as docs/ci-runners.md shows it) and its refusals. The install itself
// downloads Node from nodejs.org, which tests never reach (loopback only).
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

const setup = (args: string[]) => execa('bash', [path.join(PACKAGE_ROOT, 'testbed/runner-setup.sh'), ...args], { reject: false, all: true });

describe('testbed/runner-setup.sh', () => {
  it('--dry-run names the Debian packages (both installers), gh and the checked Node tarball, and installs nothing', async () => {
    const res = await setup(['--dry-run']);
    expect(res.exitCode, res.all).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(/^runner-setup: Debian packages: openssh-server .* shellcheck git ca-certificates \(\.ci\/install-deps\.sh\) and testbed\/install-deps\.sh's$/);
    expect(lines[1]).toMatch(/^runner-setup: gh: Debian package gh \(now: /);
    expect(lines[2]).toMatch(/^runner-setup: Node: https:\/\/nodejs\.org\/dist\/latest-v24\.x\/ node-\*-linux-(x64|arm64)\.tar\.xz into \/usr\/local, checked against SHASUMS256\.txt \(now: v\d+/);
    expect((await setup(['--dry-run', '--node', '22.12.0'])).stdout).toContain('https://nodejs.org/dist/v22.12.0/');
  });

  it.each([
    [['--node', '24;id'], "runner-setup: --node '24;id': a major (24) or an exact version (24.1.0)"],
    [['--fast'], "runner-setup: unknown argument '--fast' (--node VERSION, --dry-run)"],
  ])('refuses %j with exit 2', async (args, message) => {
    const res = await setup(args);
    expect(res.exitCode).toBe(2);
    expect(res.all).toBe(message);
  });
});
