import type { RemoteHost } from '../remote/index.ts';
import { NODE_TARGET_MAJOR } from './bundle.ts';
import { DeployError } from './deploy-error.ts';
import type { RemoteState } from './remote-state.ts';

const INSTALL_NODE = `install Node.js ${NODE_TARGET_MAJOR} or newer on it so that \`node\` is on the PATH of non-interactive ssh sessions (e.g. the distribution's nodejs package or the nodejs.org binaries under /usr/local; nvm's node is only on the PATH of login shells)`;

// A generator node needs `node` ≥ NODE_TARGET_MAJOR, nothing else.
export function checkNode(state: RemoteState, host: RemoteHost): string {
  const ssh = `ssh ${host.target.alias}`;
  if (state.node === null) {
    throw new DeployError('no-node', host.label, `Node.js is not installed on ${host.label} (\`node --version\` failed for ${state.user}): the workload programs run there with node`, INSTALL_NODE);
  }
  const major = Number(/^v(\d+)\./.exec(state.node)?.[1]);
  if (!(major >= NODE_TARGET_MAJOR)) {
    throw new DeployError('old-node', host.label, `Node.js on ${host.label} is ${state.node}, too old: the bundled workload programs need Node.js ${NODE_TARGET_MAJOR} or newer`, `${INSTALL_NODE}; check with: ${ssh} node --version`);
  }
  return state.node;
}

// The workdir must be the login user's own folder (or creatable by it), writable.
export function checkWorkdir(state: RemoteState, host: RemoteHost, workdir: string): void {
  const shown = workdir === state.workdir ? workdir : `${workdir} (${state.workdir})`;
  const ssh = `ssh ${host.target.alias}`;
  const e = state.existing;
  if (state.workdirExists) {
    if (!e.isDir) throw new DeployError('workdir-not-writable', host.label, `Remote workdir ${shown} on ${host.label} is not a directory`, `remove it or choose another remote.workdir`);
    if (e.uid !== state.uid) {
      throw new DeployError(
        'workdir-foreign-owner',
        host.label,
        `Remote workdir ${shown} on ${host.label} was created by another user (${e.owner}, uid ${e.uid}), not by ${state.user} who logs in: the harness does not write into another user's folder`,
        `give it to ${state.user} (${ssh} sudo chown -R ${state.user}: ${state.workdir}), or choose another remote.workdir`,
      );
    }
    if (!e.writable) throw new DeployError('workdir-not-writable', host.label, `Remote workdir ${shown} on ${host.label} is not writable by ${state.user}`, `${ssh} chmod u+rwx ${state.workdir}`);
  } else if (!e.isDir || !e.writable) {
    throw new DeployError(
      'workdir-not-writable',
      host.label,
      `Remote workdir ${shown} does not exist on ${host.label} and ${state.user} cannot create it: ${e.path} is ${e.isDir ? `not writable by ${state.user} (owner ${e.owner})` : 'not a directory'}`,
      `choose a remote.workdir under ${state.home || 'the login directory'}, or create it for ${state.user} (${ssh} sudo install -d -o ${state.user} ${state.workdir})`,
    );
  }
  if (state.bundleDir && (state.bundleDir.uid !== state.uid || !state.bundleDir.writable)) {
    throw new DeployError('permission-denied', host.label, `Permission denied: ${state.workdir}/.harness/bundle on ${host.label} is ${state.bundleDir.uid !== state.uid ? `owned by uid ${state.bundleDir.uid}` : 'not writable'}, not ${state.user}'s`, `${ssh} sudo chown -R ${state.user}: ${state.workdir}/.harness`);
  }
}

// Free space for `bytes` more (plus a little for the manifest and the filesystem's blocks).
export function checkSpace(state: RemoteState, host: RemoteHost, bytes: number): void {
  const needKib = Math.ceil(bytes / 1024) + 64;
  if (Number.isFinite(state.availKib) && state.availKib < needKib) {
    throw new DeployError('disk-full', host.label, `Disk full on ${host.label}: ${state.existing.path} has ${state.availKib} KiB free, the workload bundle needs ${needKib} KiB`, `free space on ${host.label} (ssh ${host.target.alias} df -h ${state.existing.path}), or choose a remote.workdir on another filesystem`);
  }
}
