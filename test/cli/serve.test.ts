/** `hwnas serve` on the command line: it prints its URL and serves until Ctrl-C; bad input is one line, exit 2. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

let dir: string;
let busy: Server;
let busyPort: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-cli-serve-'));
  writeFileSync(join(dir, 'file.txt'), 'x');
  busy = createServer();
  busyPort = await new Promise<number>((r) =>
    busy.listen(0, '127.0.0.1', () => r((busy.address() as { port: number }).port)),
  );
});
afterAll(() => {
  busy.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectOneLine(args: string[], pattern: RegExp): void {
  const r = runCli(['serve', ...args]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('hwnas serve: bad input', () => {
  it('a missing folder, a file', () => {
    expectOneLine([join(dir, 'nope')], /^hwnas: folder '.*nope' does not exist \(give a folder/);
    expectOneLine([join(dir, 'file.txt')], /is a file, not a folder/);
  });
  it('a port in use, a bad port', () => {
    expectOneLine(
      [dir, '--port', String(busyPort)],
      new RegExp(`port ${busyPort} on 127.0.0.1 is in use \\(pass another --port`),
    );
    expectOneLine([dir, '--port', '70000'], /--port/);
  });
  it('a non-loopback --host without a token, a weak token, --host without its address', () => {
    expectOneLine(
      [dir, '--host', '0.0.0.0', '--no-token'],
      /serving on 0\.0\.0\.0 without an access token .*\(drop --no-token/,
    );
    expectOneLine([dir, '--host', '0.0.0.0', '--token', 'short'], /--token must be at least 16/);
    expectOneLine([dir, '--host'], /argument missing/);
  });
});

describe('hwnas serve: running', () => {
  it('prints the URL, serves the folder, and stops on Ctrl-C with exit code 0', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, [
      '--import',
      tsx,
      join(repoRoot, 'src/cli/run.ts'),
      'serve',
      dir,
      '--port',
      '0',
      '--quiet',
    ]);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        stdout += c;
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const r = await fetch(new URL('/api/list', url));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual([]);
    const code = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    child.kill('SIGINT');
    expect(await code).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);
});
