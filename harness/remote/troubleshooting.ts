// Troubleshooting answers as error text: which host, which path, what to do.
import type { ResolvedHost } from './ssh-config.ts';
import { hostLabel } from './connect-errors.ts';
import { quoteArg } from '../util/quote.ts';

// `ssh -F <config> [-p N] alias`: the same config the harness resolved the host through.
function sshCommand(t: ResolvedHost): string {
  return ['ssh', ...(t.configFile ? ['-F', quoteArg(t.configFile)] : []), ...(t.port === 22 ? [] : ['-p', String(t.port)]), t.alias].join(' ');
}

// A command run on the remote side, quoted once for the local shell; `~/…` expands remotely.
function remoteMkdir(t: ResolvedHost, dir: string): string {
  return `${sshCommand(t)} ${quoteArg(`mkdir -p ${quoteArg(dir, { expandHome: true })}`)}`;
}

// SSH command fails with "No such file or directory" → the remote workdir does not exist.
export function missingWorkdirMessage(t: ResolvedHost, workdir: string, expanded?: string): string {
  const shown = expanded && expanded !== workdir ? `${workdir} (${expanded})` : workdir;
  return (
    `Remote workdir ${shown} does not exist on ${hostLabel(t)} (user ${t.user}): deploy to that node (npx harness deploy ` +
    `--host ${t.alias}, which creates it and uploads the workload bundles; harness run does it first unless --no-deploy) ` +
    `or create the directory (${remoteMkdir(t, workdir)})`
  );
}

// A copy-back failed because the remote metrics_dir (or an artifact) is missing.
export function missingRemotePathMessage(t: ResolvedHost, what: string, remotePath: string, resolved: string): string {
  const shown = resolved !== remotePath ? `${remotePath} (${resolved})` : remotePath;
  const fix =
    what === 'metrics_dir'
      ? `Ensure metrics_dir exists (${remoteMkdir(t, resolved)}) and that the command writes files there (or use absolute paths in the command line itself).`
      : `Ensure the command writes it there (relative paths are relative to the remote workdir; or use absolute paths in the command line itself).`;
  return `Remote ${what} ${shown} does not exist on ${hostLabel(t)}: missing directories on the remote side are the most common culprit. ${fix}`;
}
