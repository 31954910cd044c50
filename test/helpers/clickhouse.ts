import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess, findExecutable } from '../../harness/process/index.ts';
import { freePort } from './ports.ts';

/** A real ClickHouse server (Debian clickhouse-server) on free loopback ports, in a temp folder. */
export class ClickHouseServer {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'clickhouse-'));
  private proc: ManagedProcess | undefined;
  url = '';

  async start(): Promise<void> {
    const bin = findExecutable('clickhouse-server');
    if (!bin) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server (CI installs it in .ci/install-deps.sh)');
    const [http, tcp] = [await freePort(), await freePort()];
    for (const d of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(path.join(this.dir, d));
    writeFileSync(
      path.join(this.dir, 'config.xml'),
      `<?xml version="1.0"?><yandex><logger><level>warning</level><console>1</console></logger><http_port>${http}</http_port><tcp_port>${tcp}</tcp_port><listen_host>127.0.0.1</listen_host><path>${this.dir}/data/</path><tmp_path>${this.dir}/tmp/</tmp_path><user_files_path>${this.dir}/user_files/</user_files_path><format_schema_path>${this.dir}/format_schemas/</format_schema_path><users_config>users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database><mark_cache_size>536870912</mark_cache_size></yandex>`,
    );
    writeFileSync(
      path.join(this.dir, 'users.xml'),
      `<?xml version="1.0"?><yandex><profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles><users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas></yandex>`,
    );
    this.url = `http://127.0.0.1:${http}`;
    this.proc = new ManagedProcess({ name: 'clickhouse-server', argv: [bin, `--config-file=${path.join(this.dir, 'config.xml')}`], cwd: this.dir, logPath: path.join(this.dir, 'server.log'), ready: { kind: 'http', url: `${this.url}/ping` }, readyTimeoutMs: 30_000, graceMs: 10_000 });
    await this.proc.start();
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
