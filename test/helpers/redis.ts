/**
 * A throwaway redis-server for tests and benches: a free port on 127.0.0.1 only (never another address),
 * no persistence, stopped afterwards. `redisAvailable` says whether Debian's redis-server is installed so
 * tests can skip with a visible reason.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';

const BIN = process.env.HWNAS_REDIS_SERVER ?? 'redis-server';

export const redisAvailable: boolean = spawnSync(BIN, ['--version'], { encoding: 'utf8' }).status === 0;
export const redisSkipReason = `redis-server not found (install Debian's redis-server or set HWNAS_REDIS_SERVER)`;

export interface TestRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}

export async function startRedis(): Promise<TestRedis> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await canConnect(port))) await new Promise((r) => setTimeout(r, 50));
    if (!exited && (await canConnect(port))) {
      return {
        port,
        url: `redis://127.0.0.1:${port}/0`,
        stop: () =>
          new Promise<void>((resolve) => {
            if (exited) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`redis-server did not start on 127.0.0.1:${port}`);
  }
}
