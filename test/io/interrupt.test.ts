/** Ctrl-C: temp files of unfinished streams are removed, one line, exit code 130. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AtomicFileStream, abortOpenFileStreams } from '../../src/io/atomic-stream.js';
import { repoRoot } from '../helpers/cli.js';

describe('Ctrl-C while the report is streamed', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('abortOpenFileStreams removes the temp files of unfinished streams only', () => {
    const done = AtomicFileStream.open(file('done.html'));
    done.write('x');
    done.commit();
    const open = AtomicFileStream.open(file('open.html'));
    open.write('partial');
    abortOpenFileStreams();
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(file('done.html'), 'utf8')).toBe('x');
    expect(existsSync(file('open.html'))).toBe(false);
  });
  it('exitOnInterrupt: one line, exit code 130, no temp file left', () => {
    const script = `
      import { exitOnInterrupt } from './src/io/interrupt.ts';
      import { AtomicFileStream } from './src/io/atomic-stream.ts';
      await exitOnInterrupt(() => 'interrupted while writing the report', async () => {
        const page = AtomicFileStream.open(${JSON.stringify(file('page.html'))});
        page.write('<html>');
        process.kill(process.pid, 'SIGINT');
        await new Promise((r) => setTimeout(r, 5000));
        page.commit();
      });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.status).toBe(130);
    expect(r.stderr).toBe('hwnas: interrupted while writing the report\n');
    expect(existsSync(file('page.html'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('page.html'))).toEqual([]);
  });
});
