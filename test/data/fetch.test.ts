import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedFilePath, rawPath } from '../../src/data/cache.js';
import { ensureFiles, sha256Hex, sourceLocation, storeVerified } from '../../src/data/fetch.js';
import { DATASETS, datasetFiles, HELP_DEVICES, NATS_CSV, type PinnedFile } from '../../src/data/manifest.js';
import { readTableColumn } from '../../src/data/table.js';
import { type HwnasError, isHwnasError } from '../../src/errors.js';
import { cacheDir } from '../../src/io/cache-dir.js';
import { runCli } from '../helpers/cli.js';
import { csvFixtures } from '../helpers/csv-fixtures.js';
import { MIRROR, NO_MIRROR_REASON, toySpace, useTempCache } from '../helpers/data.js';
import { errorOf } from '../helpers/errors.js';

let tmp: ReturnType<typeof useTempCache>;
const savedMirror = process.env.HWNAS_MIRROR;
beforeAll(() => {
  tmp = useTempCache();
});
afterAll(() => tmp.cleanup());
afterEach(() => {
  if (savedMirror === undefined) delete process.env.HWNAS_MIRROR;
  else process.env.HWNAS_MIRROR = savedMirror;
});

async function hwnasError(p: Promise<unknown>): Promise<HwnasError> {
  try {
    await p;
  } catch (e) {
    expect(isHwnasError(e), String(e)).toBe(true);
    return e as HwnasError;
  }
  throw new Error('expected an HwnasError');
}

describe('cache location and manifest', () => {
  it('follows HWNAS_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(cacheDir({ HWNAS_CACHE: '/x/c' })).toBe('/x/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x/xdg' })).toBe('/x/xdg/hwnas');
    expect(cacheDir({ HOME: '/home/u' })).toMatch(/\.cache\/hwnas$/);
  });
  it('pins 30 nb201 files: nats csv, str_arch2idx, 27 device tables, HELP licence', () => {
    const files = datasetFiles(DATASETS.find((d) => d.id === 'nb201')!);
    expect(files).toHaveLength(30);
    expect(HELP_DEVICES).toHaveLength(27);
    for (const f of files) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.commit).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(rawPath(NATS_CSV)).toBe(
      'v-tao/nats-bench-landscape/b307ae5fe6e8d7043cd4fe7d1c3532288271adb7/nats_bench.csv',
    );
  });
  it('builds raw URLs from the default host or HWNAS_MIRROR (URL or folder)', () => {
    expect(sourceLocation(NATS_CSV, {}).location).toBe(
      'https://raw.githubusercontent.com/v-tao/nats-bench-landscape/b307ae5fe6e8d7043cd4fe7d1c3532288271adb7/nats_bench.csv',
    );
    expect(sourceLocation(NATS_CSV, { HWNAS_MIRROR: 'http://m.example/raw/' }).location).toBe(
      'http://m.example/raw/v-tao/nats-bench-landscape/b307ae5fe6e8d7043cd4fe7d1c3532288271adb7/nats_bench.csv',
    );
    expect(sourceLocation(NATS_CSV, { HWNAS_MIRROR: '/srv/mirror' })).toEqual({
      kind: 'path',
      location: '/srv/mirror/v-tao/nats-bench-landscape/b307ae5fe6e8d7043cd4fe7d1c3532288271adb7/nats_bench.csv',
    });
  });
});

describe('verify and store', () => {
  const content = Buffer.from('hello hwnas\n');
  const file: PinnedFile = { repo: 'o/r', commit: 'c'.repeat(40), path: 'd/x.txt', sha256: sha256Hex(content) };
  it('stores verified bytes at the raw layout path', () => {
    const p = storeVerified(file, content, 'test');
    expect(p).toBe(join(tmp.dir, 'files', 'o', 'r', 'c'.repeat(40), 'd', 'x.txt'));
    expect(readFileSync(p, 'utf8')).toBe('hello hwnas\n');
  });
  it('refuses a sha256 mismatch and leaves the cached file untouched', () => {
    let err: unknown;
    try {
      storeVerified(file, Buffer.from('tampered\n'), 'http://evil/x.txt');
    } catch (e) {
      err = e;
    }
    expect(isHwnasError(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /sha256 mismatch for http:\/\/evil\/x\.txt: expected [0-9a-f]{64}, got [0-9a-f]{64}; refused, nothing replaced/,
    );
    expect(readFileSync(cachedFilePath(file), 'utf8')).toBe('hello hwnas\n');
  });
});

describe('ensureFiles failures', () => {
  it('offline with an empty cache: one line naming HWNAS_MIRROR and hwnas data fetch', async () => {
    process.env.HWNAS_MIRROR = 'http://127.0.0.1:9';
    const e = await hwnasError(ensureFiles('nb201', { quiet: true }));
    expect(e.message).toMatch(/^cannot download http:\/\/127\.0\.0\.1:9\/.*nats_bench\.csv/);
    const line = e.line();
    expect(line).toContain('HWNAS_MIRROR');
    expect(line).toContain('hwnas data fetch nb201');
    expect(line).not.toContain('\n');
  });
  it('a mirror folder with a wrong file is refused; nothing lands in the cache', async () => {
    const mirror = join(tmp.dir, 'bad-mirror');
    const p = join(mirror, ...rawPath(NATS_CSV).split('/'));
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, 'CIFAR10TestAccuracy200Epochs\n1\n');
    process.env.HWNAS_MIRROR = mirror;
    const e = await hwnasError(ensureFiles('nb201', { quiet: true }));
    expect(e.message).toMatch(/sha256 mismatch .*nats_bench\.csv/);
    expect(existsSync(cachedFilePath(NATS_CSV))).toBe(false);
  });
  it('a missing mirror file names the path and the fix', async () => {
    process.env.HWNAS_MIRROR = join(tmp.dir, 'empty-mirror');
    const e = await hwnasError(ensureFiles('nb201', { quiet: true }));
    expect(e.line()).toMatch(/no such file in the mirror HWNAS_MIRROR.*hwnas data fetch nb201/);
  });
  it('downloads over http(s): a 404 and a wrong body are refused with the URL named', async () => {
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/v-tao/') && req.url.endsWith('nats_bench.csv')) res.end('not the pinned csv\n');
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      process.env.HWNAS_MIRROR = base;
      const e = await hwnasError(ensureFiles('nb201', { quiet: true }));
      expect(e.message).toContain(`sha256 mismatch for ${base}/v-tao/nats-bench-landscape/`);
      process.env.HWNAS_MIRROR = `${base}/nothing-here/`;
      const e404 = await hwnasError(ensureFiles('nb201', { quiet: true }));
      expect(e404.message).toMatch(/^cannot download http:\/\/127\.0\.0\.1:\d+\/nothing-here\/v-tao\/.*: HTTP 404$/);
      expect(existsSync(cachedFilePath(NATS_CSV))).toBe(false);
    } finally {
      server.close();
    }
  });
  it('unknown dataset', async () => {
    const e = await hwnasError(ensureFiles('nb301'));
    expect(e.message).toBe("unknown dataset 'nb301'");
  });
});

describe.skipIf(!MIRROR)(`fetch from the real mirror (${MIRROR ? 'HWNAS_MIRROR set' : NO_MIRROR_REASON})`, () => {
  it('fetches, verifies and caches all 30 files; a second call reuses them', async () => {
    process.env.HWNAS_MIRROR = MIRROR!;
    const paths = await ensureFiles('nb201', { quiet: true });
    expect(paths).toHaveLength(30);
    const files = datasetFiles(DATASETS[0]!);
    expect(paths.map((p) => sha256Hex(readFileSync(p)))).toEqual(files.map((f) => f.sha256));
    process.env.HWNAS_MIRROR = join(tmp.dir, 'nowhere');
    expect(await ensureFiles('nb201', { quiet: true })).toEqual(paths);
  });
});

describe('CLI', () => {
  it('hwnas data list --json on an empty cache', () => {
    const r = runCli(['data', 'list', '--json'], { env: { HWNAS_CACHE: join(tmp.dir, 'cli-empty') } });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.datasets[0].id).toBe('nb201');
    expect(j.datasets[0].sources.map((s: { repo: string; licence: string }) => s.repo)).toEqual([
      'v-tao/nats-bench-landscape',
      'HayeonLee/HELP',
    ]);
    expect(j.datasets[0].sources[1].licence).toMatch(/MIT/);
    expect(j.datasets[0].sources[1].cached).toBe(0);
    expect(j.blox).toBeNull();
  });
  it('hwnas data fetch offline: exit 2, one line', () => {
    const r = runCli(['data', 'fetch', 'nb201'], {
      env: { HWNAS_CACHE: join(tmp.dir, 'cli-off'), HWNAS_MIRROR: 'http://127.0.0.1:9' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/HWNAS_MIRROR.*hwnas data fetch nb201/);
  });
});

describe('data cache', () => {
  const file = csvFixtures();

  it('an unwritable cache is a user error naming HWNAS_CACHE', () => {
    const prev = process.env.HWNAS_CACHE;
    process.env.HWNAS_CACHE = file('file'); // a file, not a folder
    try {
      const bytes = Buffer.from('x\n');
      const pinned: PinnedFile = { repo: 'o/r', commit: 'c'.repeat(40), path: 'x.txt', sha256: sha256Hex(bytes) };
      const e = errorOf(() => storeVerified(pinned, bytes, 'test'));
      expect(e.message).toMatch(/^cannot write the cache file .*ENOTDIR/);
      expect((e as { hint?: string }).hint).toMatch(/HWNAS_CACHE/);
    } finally {
      if (prev === undefined) delete process.env.HWNAS_CACHE;
      else process.env.HWNAS_CACHE = prev;
    }
  });
  it('table: a header without rows, or a folder, is named as such', () => {
    const space = toySpace([2, 3]);
    expect(errorOf(() => readTableColumn({ file: file('header-only.csv'), column: 'ms' }, space)).message).toBe(
      'table header-only.csv: no data rows after the header',
    );
    expect(errorOf(() => readTableColumn({ file: file(''), column: 'ms' }, space)).message).toMatch(
      /cannot read it \(EISDIR\)/,
    );
  });
});
