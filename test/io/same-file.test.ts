/**
 * An output that names an input (or another output) is refused before any work, for every command: the
 * same path, `./relative` against absolute, a symlink and a hard link all name one file. Each refusal is
 * one line, exit 2, and the input keeps its bytes. The mechanism (src/io/same-file.ts) is tested
 * directly; the CLI matrix runs real processes over several commands and options.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { refuseSameFiles } from '../../src/io/same-file.js';
import { runCli } from '../helpers/cli.js';
import { tinyLayeredSpace } from '../helpers/data.js';
import { errorOf, expectUserError } from '../helpers/errors.js';

let dir = '';
const TABLE = 'index,ms,acc\n0,1.5,70\n';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-same-file-'));
  for (const name of ['board.csv', 'lut.csv', 'fit.csv']) writeFileSync(join(dir, name), TABLE);
  symlinkSync('board.csv', join(dir, 'link.csv'));
  linkSync(join(dir, 'board.csv'), join(dir, 'hard.csv'));
  symlinkSync(dir, join(dir, 'again'));
});

describe('refuseSameFiles', () => {
  it('finds one file under every name: same text, ./relative, absolute, symlink, hard link, a linked folder', () => {
    const input = [{ flag: '--latency table:board.csv#ms', path: join(dir, 'board.csv') }];
    for (const out of ['board.csv', './board.csv', 'link.csv', 'hard.csv', 'again/board.csv', 'again/hard.csv']) {
      const e = errorOf(() => refuseSameFiles(input, [{ flag: '--out', path: join(dir, '.', out) }]));
      expect(e.message).toMatch(/^--out .* would overwrite an input, --latency table:board\.csv#ms/);
    }
    const e = errorOf(() => refuseSameFiles(input, [{ flag: '--out', path: join(dir, 'hard.csv') }]));
    expect(e.message).toMatch(/through a hard link/);
  });

  it('lets distinct files through, also ones that do not exist yet', () => {
    const input = [{ flag: '--latency', path: join(dir, 'board.csv') }];
    refuseSameFiles(input, [{ flag: '--out', path: join(dir, 'new.csv') }]);
    refuseSameFiles(input, [{ flag: '--out', path: join(dir, 'no', 'such', 'board.csv') }]);
    refuseSameFiles(input, []);
  });

  it('an output folder holding an input, an output inside an input folder, two outputs on one file', () => {
    const config = { flag: '--config', path: join(dir, 'study', 'c.json') };
    expect(
      errorOf(() => refuseSameFiles([config], [{ flag: '--out', path: join(dir, 'study'), folder: true }])).message,
    ).toMatch(/^--out .*study is a folder this command writes into, and it holds an input, --config/);
    const cache = { flag: 'the data cache', path: join(dir, 'cache'), folder: true };
    expect(
      errorOf(() => refuseSameFiles([cache], [{ flag: '--out', path: join(dir, 'cache', 'x.csv') }])).message,
    ).toMatch(/lies inside the data cache/);
    // a hard link from outside into an input folder
    mkdirSync(join(dir, 'cache'), { recursive: true });
    writeFileSync(join(dir, 'cache', 'table.bin'), 'x');
    linkSync(join(dir, 'cache', 'table.bin'), join(dir, 'outside.bin'));
    expect(errorOf(() => refuseSameFiles([cache], [{ flag: '-o', path: join(dir, 'outside.bin') }])).message).toMatch(
      /through a hard link/,
    );
    const two = [
      { flag: '--out', path: join(dir, 'r.json') },
      { flag: '--found', path: join(dir, 'again', 'r.json') },
    ];
    expect(errorOf(() => refuseSameFiles([], two)).message).toMatch(
      /^--out .* and --found .* would write over each other/,
    );
  });
});

// Real processes, several per test: a loaded 2-core machine needs more than the default minute.
describe('every command refuses an output that is an input, before any work', { timeout: 300_000 }, () => {
  const NB = ['--space', 'nb201', '--accuracy', 'nb201:cifar100'];
  const unchanged = (name: string) => expect(readFileSync(join(dir, name), 'utf8')).toBe(TABLE);
  const refused = (args: string[], pattern: RegExp) => {
    expectUserError(runCli(args, { cwd: dir }), pattern);
    for (const name of ['board.csv', 'lut.csv', 'fit.csv']) unchanged(name);
  };

  it('front --out and search --found/--out against a table: source, under four names', () => {
    refused(
      [...NB, '--latency', 'table:board.csv#ms', '--out', 'board.csv'].toSpliced(0, 0, 'front'),
      /--out board\.csv would overwrite an input, --latency table:board\.csv#ms \(the same file\)/,
    );
    refused(
      ['front', ...NB, '--latency', `table:${dir}/board.csv#ms`, '--out', './link.csv'],
      /--out \.\/link\.csv would overwrite an input/,
    );
    refused(['front', ...NB, '--latency', 'table:./board.csv#ms', '--out', 'hard.csv'], /through a hard link/);
    refused(
      ['search', ...NB, '--latency', 'table:board.csv#ms', '--found', join(dir, 'board.csv')],
      /--found .* would overwrite an input/,
    );
    refused(
      [
        'search',
        '--space',
        'nb201',
        '--accuracy',
        'table:hard.csv#acc',
        '--latency',
        'model:cortex-m7',
        '--out',
        'link.csv',
      ],
      /--out link\.csv would overwrite an input, --accuracy table:hard\.csv#acc/,
    );
  });

  it('latency --per-block --out against lut:, latency --all --out against fit:', () => {
    refused(
      ['latency', 'nb201', '--latency', 'lut:lut.csv', '--per-block', '--out', `${dir}/lut.csv`],
      /--out .*lut\.csv would overwrite an input, --latency lut:lut\.csv/,
    );
    refused(
      ['latency', 'nb201', '--latency', 'fit:fit.csv#ms', '--all', '--out', 'again/fit.csv'],
      /--latency fit:fit\.csv#ms/,
    );
  });

  it('measure -o and export-onnx -o against the space file', () => {
    const space = join(dir, 'space.json');
    writeFileSync(space, JSON.stringify(tinyLayeredSpace('tiny')));
    const before = readFileSync(space, 'utf8');
    expectUserError(
      runCli(['measure', 'space.json', '--arch', '0', '-o', 'space.json'], { cwd: dir }),
      /--out space\.json would overwrite an input, <space> space\.json/,
    );
    expectUserError(
      runCli(['export-onnx', space, '0', '-o', './space.json'], { cwd: dir }),
      /--out \.\/space\.json would overwrite an input/,
    );
    expect(readFileSync(space, 'utf8')).toBe(before);
  });

  it('reproduce and open-search: the output folder may not hold the config or the evaluator; an output may not go into the data cache', () => {
    mkdirSync(join(dir, 'st'), { recursive: true });
    writeFileSync(join(dir, 'st', 'c.json'), '{"evals": 200, "seeds": 1}');
    expectUserError(
      runCli(['reproduce', '--config', 'st/c.json', '--out', 'st'], { cwd: dir }),
      /--out st is a folder this command writes into, and it holds an input, --config st\/c\.json/,
    );
    // a file the config names counts as an input too
    writeFileSync(join(dir, 'c2.json'), '{"evals": 200, "seeds": 1, "devices": ["table:board.csv#ms"]}');
    refused(
      ['reproduce', '--config', 'c2.json', '--out', 'link.csv'],
      /--out link\.csv would overwrite an input, --config c2\.json table:board\.csv#ms/,
    );
    writeFileSync(join(dir, 'st', 'eval.mjs'), '');
    expectUserError(
      runCli(
        [
          'open-search',
          '--space',
          'nb201',
          '--evaluator',
          'node st/eval.mjs',
          '--evals',
          '2',
          '--out',
          `${dir}/again/st`,
        ],
        { cwd: dir },
      ),
      /holds an input, --evaluator st\/eval\.mjs/,
    );
    const cache = join(dir, 'cache-home');
    mkdirSync(join(cache, 'derived'), { recursive: true });
    // data import writes into the cache: its release folder may not be (or hold) the cache's tables
    expectUserError(
      runCli(['data', 'import', 'blox', join(cache, 'derived')], { cwd: dir, env: { HWNAS_CACHE: cache } }),
      /^hwnas: the data cache .*derived would overwrite an input, <dir>/,
    );
    expectUserError(
      runCli(['front', ...NB, '--latency', 'model:cortex-m7', '--out', join(cache, 'derived', 'f.csv')], {
        cwd: dir,
        env: { HWNAS_CACHE: cache },
      }),
      /lies inside the data cache/,
    );
  });

  it('an output next to the inputs still runs', () => {
    const r = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--per-block', '--out', 'blocks.csv'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'blocks.csv'), 'utf8')).toMatch(/^decision,choice,ms/);
  });
});

describe('output files named by mistake', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  const SEARCH = ['search', '--space', 'nb201', '--accuracy', 'nb201:cifar10', '--latency', 'help:pixel3'];

  it('search: an empty --found or --out, or both naming one file, is refused before the search', () => {
    expectUserError(runCli([...SEARCH, '--found', '']), /^hwnas: --found is empty/);
    expectUserError(runCli([...SEARCH, '--out', '']), /^hwnas: --out is empty/);
    const same = join(dir, 'run.csv');
    expectUserError(
      runCli([...SEARCH, '--out', same, '--found', join(dir, '.', 'run.csv')]),
      /^hwnas: --out \S+ and --found \S+ would write over each other/,
    );
    expect(existsSync(same)).toBe(false);
  });

  it('measure: -o empty or named .parquet is refused, and nothing is written', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hwnas-test-measure-'));
    const measure = (out: string) => runCli(['measure', 'nb201', '--arch', '0', '-o', out], { cwd });
    expectUserError(measure(''), /^hwnas: --out is empty/);
    expectUserError(
      measure('m.parquet'),
      /^hwnas: --out m\.parquet: measure writes a CSV table, not Parquet \(name it \.csv/,
    );
    expectUserError(measure('M.PARQUET'), /measure writes a CSV table, not Parquet/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("latency: --out '' is refused (was: the table printed, nothing written)", () => {
    expectUserError(
      runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '0', '--out', '']),
      /^hwnas: --out is empty/,
    );
  });
});
