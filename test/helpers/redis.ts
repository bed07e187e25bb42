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
  /** SIGKILL the server (its data is gone: no persistence). */
  kill(): Promise<void>;
  /** Start an empty server again on the same port (after kill or stop). */
  restart(): Promise<void>;
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

interface Server {
  child: ChildProcess;
  exited: Promise<void>;
}

/** redis-server on `port`, once it accepts connections; undefined when it did not start. */
async function serve(port: number, password?: string): Promise<Server | undefined> {
  const child: ChildProcess = spawn(
    BIN,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      ...(password ? ['--requirepass', password] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      resolve();
    }),
  );
  const deadline = Date.now() + 10_000;
  while (!gone && Date.now() < deadline && !(await canConnect(port))) await new Promise((r) => setTimeout(r, 50));
  if (!gone && (await canConnect(port))) return { child, exited };
  child.kill('SIGKILL');
  return undefined;
}

/** A throwaway server; `password` makes it require one (the URL then carries it). */
export async function startRedis(opts: { password?: string } = {}): Promise<TestRedis> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    let server = await serve(port, opts.password);
    if (!server) {
      if (attempt >= 3) throw new Error(`redis-server did not start on 127.0.0.1:${port}`);
      continue;
    }
    const end = async (sig: NodeJS.Signals): Promise<void> => {
      const s = server;
      server = undefined;
      if (!s) return;
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(sig);
      await s.exited;
    };
    return {
      port,
      url: `redis://${opts.password ? `:${encodeURIComponent(opts.password)}@` : ''}127.0.0.1:${port}/0`,
      stop: () => end('SIGTERM'),
      kill: () => end('SIGKILL'),
      async restart() {
        await end('SIGKILL');
        for (let i = 0; i < 20 && !server; i++) {
          server = await serve(port, opts.password);
          if (!server) await new Promise((r) => setTimeout(r, 100));
        }
        if (!server) throw new Error(`redis-server did not start again on 127.0.0.1:${port}`);
      },
    };
  }
}
