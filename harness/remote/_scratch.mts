import { buildRemoteCommand, buildKillCommand } from './remote-command.ts';
console.log(buildRemoteCommand({ argv: ['printf', '[%s]\\n', 'a b', "it's", '$HOME', '~/x', '~'], workdir: '~/MicroSentinel', env: { A: '1 2' }, name: 'kv gen' }));
console.log(buildKillCommand(123, 'SIGTERM', 5000));
