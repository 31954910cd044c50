// .ci/install-deps.sh and the hosted PR job: the job's container is the Debian release whose package
// names the installer uses, every name exists in that release's archive, and a machine where the
// installer cannot install gets one line naming what is missing and exit 2.
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

const INSTALLER = path.join(PACKAGE_ROOT, '.ci/install-deps.sh');
const installerCodename = (): string => /^DEBIAN_CODENAME=(\w+)$/m.exec(readFileSync(INSTALLER, 'utf8'))?.[1] ?? 'none';
const packages = async (): Promise<string[]> => (await execa('bash', [INSTALLER, '--list'])).stdout.split('\n');
type Job = { container?: { image: string; options?: string }; steps: { run?: string }[] };

describe('the PR smoke job and .ci/install-deps.sh', () => {
  it('run in the Debian release the installer names, privileged, without sudo', () => {
    const job = (parse(readFileSync(path.join(PACKAGE_ROOT, '.github/workflows/pr-smoke.yml'), 'utf8')) as { jobs: Record<string, Job> }).jobs.smoke!;
    expect(job.container?.image).toMatch(new RegExp(`^debian:${installerCodename()}(@sha256:[0-9a-f]{64})?$`)); // a digest pin keeps the release
    expect(job.container?.options).toContain('--privileged'); // perf_event_open, network namespaces
    expect(job.steps.map((s) => s.run ?? '').filter((r) => r.includes('sudo'))).toEqual([]);
    // The job runs .ci/run, whose first step is the installer.
    expect(job.steps.map((s) => s.run)).toContain('bash .ci/run');
    expect(readFileSync(path.join(PACKAGE_ROOT, '.ci/run'), 'utf8')).toMatch(/^set -euo pipefail\ncd "\$\(dirname "\$0"\)\/\.\."\nexport CI=true\n\nbash \.ci\/install-deps\.sh$/m);
  });

  it('names only packages of that release’s archive', async () => {
    const release = readFileSync('/etc/os-release', 'utf8');
    expect(release, 'this check reads the apt archive of the installer’s release: run it on that release').toContain(`VERSION_CODENAME=${installerCodename()}`);
    const names = await packages();
    expect(names).toContain('linux-perf');
    const res = await execa('apt-cache', ['policy', ...names]);
    const candidates = new Map([...res.stdout.matchAll(/^(\S+):\n(?:.*\n)*?\s+Candidate: (\S+)/gm)].map((m) => [m[1], m[2]]));
    for (const name of names) expect(candidates.get(name), `${name} in the ${installerCodename()} archive`).toMatch(/^\d/);
  });

  it('is fast and quiet when everything is present', async () => {
    const res = await execa('bash', [INSTALLER]);
    expect(res.stdout).toBe(`install-deps: all ${(await packages()).length} system packages present`);
  });

  describe('where it cannot install', () => {
    let bin: string;
    beforeAll(() => {
      // A PATH with only `id` and `apt-get`: every package probed by a command on PATH looks missing.
      bin = mkdtempSync(path.join(os.tmpdir(), 'install-deps-'));
      chmodSync(bin, 0o755); // the unprivileged user must reach apt-get
      for (const tool of ['id', 'apt-get']) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
    });
    afterAll(() => rmSync(bin, { recursive: true, force: true }));

    it('not root: one line with the apt-get command, exit 2', async () => {
      const res = await execa('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '/bin/bash', INSTALLER], { env: { PATH: bin }, reject: false, all: true });
      expect(res.exitCode).toBe(2);
      expect(res.all.split('\n')).toHaveLength(1);
      expect(res.all).toMatch(/^install-deps: missing system packages; as root run: apt-get install -y --no-install-recommends openssh-client iproute2 .*wrk hyperfine .*chromium .*git$/);
    });

    it('no apt (not Debian): one line naming the Debian packages, exit 2', async () => {
      const res = await execa('/bin/bash', [INSTALLER], { env: { PATH: path.join(bin, 'none') }, reject: false, all: true });
      expect(res.exitCode).toBe(2);
      expect(res.all.split('\n')).toHaveLength(1);
      expect(res.all).toContain(`(Debian ${installerCodename()} package names;`);
      expect(res.all).toContain(`or run in a debian:${installerCodename()} container`);
    });
  });
});
