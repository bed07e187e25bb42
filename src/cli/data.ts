/** `hwnas data fetch|list|import`: pinned benchmark downloads, what is cached, and BLOX release import. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import {
  cachedFilePath,
  DATASETS,
  ensureFiles,
  getDataset,
  importBloxRelease,
  loadNb201,
  nb201CachePath,
  type PinnedFile,
  readBloxStore,
  sha256Hex,
} from '../data/index.js';
import { fail } from '../errors.js';
import { cacheDir } from '../io/cache-dir.js';
import { toJson } from '../io/json.js';
import { silenceProgress } from '../io/progress.js';
import { getSpace } from '../space/all.js';

type FileStatus = 'ok' | 'missing' | 'corrupt';

function fileStatus(f: PinnedFile): { status: FileStatus; bytes: number } {
  const p = cachedFilePath(f);
  if (!existsSync(p)) return { status: 'missing', bytes: 0 };
  const bytes = readFileSync(p);
  return { status: sha256Hex(bytes) === f.sha256 ? 'ok' : 'corrupt', bytes: bytes.length };
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(2)} MB`;
}

export function dataListing() {
  return {
    cache: cacheDir(),
    mirror: process.env.HWNAS_MIRROR ?? null,
    datasets: DATASETS.map((ds) => ({
      id: ds.id,
      title: ds.title,
      sources: ds.sources.map((s) => {
        const files = s.files.map((f) => ({ path: f.path, sha256: f.sha256, ...fileStatus(f) }));
        return {
          title: s.title,
          repo: s.repo,
          commit: s.commit,
          licence: s.licence,
          files: files.length,
          cached: files.filter((f) => f.status === 'ok').length,
          corrupt: files.filter((f) => f.status === 'corrupt').map((f) => f.path),
          bytes: files.reduce((a, f) => a + f.bytes, 0),
        };
      }),
      binaryCache:
        ds.id === 'nb201' && existsSync(nb201CachePath())
          ? { path: nb201CachePath(), bytes: statSync(nb201CachePath()).size }
          : null,
    })),
    blox: (() => {
      const store = readBloxStore();
      return store
        ? {
            files: store.release.files.map((f) => ({
              file: f.file,
              rows: f.rows,
              covered: f.covered,
              missing: f.missing,
              extra: f.extra,
            })),
            columns: store.release.columns.map((c) => c.name),
          }
        : null;
    })(),
  };
}

export function register(program: Command): void {
  const data = program
    .command('data')
    .description('benchmark data: fetch and verify pinned files, list the cache, import BLOX releases');

  data
    .command('fetch')
    .description(
      'download the pinned files of a dataset, verify each sha256 and store them in the cache (HWNAS_MIRROR replaces the download base)',
    )
    .argument('<dataset>', `dataset id: ${DATASETS.map((d) => d.id).join(', ')}`)
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { quiet?: boolean; json?: boolean }) => {
      const ds = getDataset(id);
      const paths = await ensureFiles(ds.id, { quiet: opts.quiet || opts.json });
      let benchmark: { rows: number; cache: string } | undefined;
      if (ds.id === 'nb201') {
        const b = await loadNb201({ quiet: true });
        benchmark = { rows: b.size, cache: nb201CachePath() };
      }
      const bytes = paths.reduce((a, p) => a + statSync(p).size, 0);
      if (opts.json)
        process.stdout.write(toJson({ dataset: ds.id, files: paths.length, bytes, cache: cacheDir(), benchmark }));
      else {
        process.stdout.write(`${ds.id}: ${paths.length} files verified (${mb(bytes)}) in ${cacheDir()}\n`);
        if (benchmark)
          process.stdout.write(`${ds.id}: ${benchmark.rows} architectures, binary cache ${benchmark.cache}\n`);
      }
    });

  data
    .command('list')
    .description('what is cached: datasets, sources (repository@commit), licences, sizes, imported BLOX release')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const l = dataListing();
      if (opts.json) {
        process.stdout.write(toJson(l));
        return;
      }
      const out: string[] = [`cache: ${l.cache}${l.mirror ? ` (mirror: ${l.mirror})` : ''}`];
      for (const ds of l.datasets) {
        out.push(`${ds.id}: ${ds.title}`);
        for (const s of ds.sources) {
          const state =
            s.cached === s.files ? 'cached' : s.cached === 0 ? 'not cached' : `${s.cached}/${s.files} cached`;
          out.push(`  ${s.repo}@${s.commit.slice(0, 12)}: ${s.title}`);
          out.push(
            `    ${s.files} files, ${state}, ${mb(s.bytes)}${s.corrupt.length ? `, CORRUPT: ${s.corrupt.join(', ')}` : ''}`,
          );
          out.push(`    licence: ${s.licence}`);
        }
        if (ds.binaryCache) out.push(`  binary cache: ${ds.binaryCache.path} (${mb(ds.binaryCache.bytes)})`);
      }
      if (l.blox) {
        out.push(`blox: imported release, columns: ${l.blox.columns.join(', ')}`);
        for (const f of l.blox.files)
          out.push(`  ${f.file}: ${f.rows} rows, ${f.covered} covered, ${f.missing} missing, ${f.extra} extra`);
      } else out.push('blox: no release imported (hwnas data import blox <dir>)');
      process.stdout.write(`${out.join('\n')}\n`);
    });

  data
    .command('import')
    .description(
      'import downloaded benchmark release files; kind: blox (blox-info, blox-base-*, blox-ext-*, blox-env-*, blox-bench-* as .blox/.csv/.pickle)',
    )
    .argument('<kind>', 'release kind: blox')
    .argument('<dir>', 'folder holding the release files')
    .option('--quiet', 'no progress bar and no report on stdout (errors still print; --json still prints the report)')
    .option('--json', 'print the report as JSON')
    .action((kind: string, dir: string, opts: { json?: boolean; quiet?: boolean }) => {
      if (kind !== 'blox') fail(`unknown release kind '${kind}'`, 'use: hwnas data import blox <dir>');
      if (opts.quiet || opts.json) silenceProgress();
      const r = importBloxRelease(dir, getSpace('blox'));
      if (opts.json) {
        process.stdout.write(toJson(r));
        return;
      }
      if (opts.quiet) return;
      const out = r.files.map(
        (f) =>
          `${f.file}: ${f.rows} rows, ${f.covered} of ${r.spaceSize} architectures covered, ${f.missing} missing, ${f.extra} extra${f.extra ? ` (e.g. ${f.extraExamples.join(', ')})` : ''}`,
      );
      out.push(`columns: ${r.columns.map((c) => c.name).join(', ')}`);
      out.push(`stored in ${cacheDir()}; use them as blox:<column>`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
