// Remote execution over SSH (docs/remote.md: Remote hosts): ssh2 only, never the `ssh`/`scp` binaries.
//
// ## Trust
// - Hosts resolve through an ssh_config file (default ~/.ssh/config) the way `ssh <alias>` does, by
//   our own evaluator (ssh-config-eval.ts): Host/Match blocks, HostName, User, Port, IdentityFile,
//   UserKnownHostsFile, first value wins; explicit remote-spec fields (port, user, identity_file,
//   known_hosts) win. `Match exec` is never run. Include is followed as ssh_config(5) says (~/.ssh
//   anchor, globs in lexical order, block scoping restored after each file, depth 16, cycles and bad
//   values named by file:line). Certificates and forwarding are not followed: ResolvedHost.ignored
//   lists those that applied, and the pool emits one `warning` event per host for them.
// - ProxyJump (ssh_config, or the remote spec's proxy_jump, which wins like `ssh -J`; `none`
//   disables) is a chain of hops, each resolved through ssh_config on its own and connected through
//   the previous hop's forwardOut (the `sock` of the next ssh2 connect), each host key verified like
//   the final host's. The chain lives and dies together: closing the RemoteHost closes every jump
//   connection, a dropped jump drops the host, and the next use reconnects the chain. The pool keys
//   connections by the whole chain. ProxyCommand is refused (a direct connection would bypass it).
// - Host keys are verified against known_hosts (plain, hashed `|1|`, `[host]:port`, @revoked).
//   An unknown key fails with the offered SHA256 fingerprint and the `ssh-keyscan … >> file` line
//   that adds it; a changed key fails loudly naming the known_hosts file and line. The harness
//   never writes known_hosts. The only opt-out is `strict_host_key_checking: false` in the remote
//   spec (StrictHostKeyChecking in ssh_config does not turn checking off), and only for the final
//   host: jump hosts are always verified. RemoteHost.trustRecord() exposes it, the offered key and
//   each jump host's key; run_result.json records it under remote_hosts[].trust.
//
// ## Process groups
// - Every remote command runs under a small sh wrapper in its own session (`setsid`), so its
//   process group is the whole remote tree; the pgid is reported before the command starts and is
//   RemoteProcess.pid.
// - stop(), a timeout or a failed readiness check signal the whole remote group through a separate
//   exec channel (stop signal, grace period, SIGKILL). When the command's leader exits on its own,
//   strays left in its group get SIGKILL (as ManagedProcess does locally).
// - A watchdog in the wrapper waits for EOF on the command channel's stdin. The channel closes when
//   the connection drops, when the harness exits for any reason (Ctrl-C, crash, SIGKILL: the kernel
//   closes its sockets), or when stop() cannot open a kill channel; the watchdog then sends TERM to
//   the group and KILL after the grace period. Not covered: a network path that dies silently, until
//   sshd's ClientAliveInterval notices it.
// - A dropped connection fails the command it carried ("connection to … lost while … was running");
//   the pooled RemoteHost reconnects on its next use.
export { RemoteHost, type ExecResult, type HostTrustRecord, type JumpTrustRecord, type RemoteHostOptions } from './remote-host.ts';
export { RemoteHostPool, type RemoteHostPoolOptions, type RemoteTarget } from './remote-host-pool.ts';
export { RemoteConnectError, hostLabel, type ConnectFailure } from './connect-errors.ts';
export { resolveSshHost, expandTilde, SshConfigError, type ResolvedHost, type HostOverrides, type ResolveOptions } from './ssh-config.ts';
export { evaluateSshConfig, MAX_INCLUDE_DEPTH, type EvaluatedConfig, type EvaluateOptions } from './ssh-config-eval.ts';
export { parseProxyJump, type JumpSpec } from './proxy-jump.ts';
export {
  checkHostKey,
  entryMatches,
  fingerprintSha256,
  HostKeyError,
  keyTypeOf,
  knownHostsName,
  loadKnownHosts,
  parseKnownHosts,
  type HostKeyCheck,
  type KnownHostsEntry,
} from './known-hosts.ts';
export { buildKillCommand, buildRemoteCommand, displayRemoteCommand, type RemoteCommandSpec } from './remote-command.ts';
export { RemoteProcess, type RemoteProcessOptions } from './remote-process.ts';
export { StartBarrier } from './start-barrier.ts';
export { instanceName, planFanOut, startTogether, type FanOutOptions, type InstanceContext } from './fan-out.ts';
export { createRemoteProcesses, instanceLogFile } from './from-plan.ts';
export { fetchRemoteArtifacts, formatFetchLine, toSftpPath, type ArtifactSpec, type FetchOptions, type FetchRecord } from './fetch-artifacts.ts';
export { checkRemoteName, UnsafePathError } from './safe-path.ts';
export { measureClockOffset, type ClockOffset } from './clock-offset.ts';
export { missingRemotePathMessage, missingWorkdirMessage } from './troubleshooting.ts';
export { formatRemoteEvent, type RemoteEvent } from './remote-events.ts';
