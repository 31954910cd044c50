import { Client } from 'ssh2';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const c = new Client();
c.on('ready', () => {
  console.log('ready');
  c.exec('sleep 30', (err, ch) => {
    if (err) throw err;
    ch.on('exit', (...a) => console.log('exit', a));
    ch.on('close', (...a) => console.log('chan close', a, performance.now()));
    ch.on('end', () => console.log('chan end'));
    ch.stderr.on('data', (d) => console.log('stderr', String(d)));
    ch.on('data', (d) => console.log('data', String(d)));
    setTimeout(() => {
      const out = execSync("ps -o pid,user,args -e | grep 'sshd.*harness-gen' | grep -v grep").toString();
      console.log(out);
      const pid = out.split('\n').find(l => l.includes('notty'))?.trim().split(/\s+/)[0];
      console.log('killing', pid); process.kill(Number(pid), 'SIGKILL');
    }, 500);
  });
});
c.on('error', (e) => console.log('client error', e.message, performance.now()));
c.on('end', () => console.log('client end', performance.now()));
c.on('close', () => console.log('client close', performance.now()));
c.connect({ host: '10.211.0.2', username: 'harness-gen', privateKey: readFileSync('.testbed/id_ed25519'), hostVerifier: () => true });
