import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { A76_RULES, NO_SKLEARN_REASON, sklearnFixture } from '../helpers/nnmeter.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-nnmeter-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hwnas nnmeter convert / nnmeter: errors', () => {
  it('a missing folder is one line, exit 2', () => {
    const r = runCli(['nnmeter', 'convert', join(dir, 'nope'), join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no such file or folder/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('a folder without fusion_rules.json, or with a hostile pickle, is refused; nothing is written', () => {
    const f = join(dir, 'bad');
    mkdirSync(f);
    writeFileSync(join(f, 'relu.pkl'), `cos\nsystem\n(S'touch ${join(dir, 'canary')}'\ntR.`);
    let r = runCli(['latency', 'blox', '--latency', `nnmeter:${f}`, '--arch', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no fusion_rules\.json/);
    writeFileSync(join(f, 'fusion_rules.json'), JSON.stringify(A76_RULES));
    r = runCli(['nnmeter', 'convert', f, join(dir, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/relu\.pkl: global 'os\.system' is not allowed/);
    expect(existsSync(join(dir, 'canary'))).toBe(false);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  });
});

describe.skipIf(NO_SKLEARN_REASON !== undefined)(
  `hwnas nnmeter convert with sklearn pickles${NO_SKLEARN_REASON ? ` (${NO_SKLEARN_REASON})` : ''}`,
  () => {
    const pkg = join(dir, 'a76');
    beforeAll(() => {
      const fx = sklearnFixture();
      mkdirSync(pkg);
      for (const f of ['conv-bn-relu.pkl', 'dwconv-bn-relu.pkl', 'add.pkl', 'fc.pkl', 'fusion_rules.json'])
        copyFileSync(join(fx.v13, f), join(pkg, f));
    }, 900_000);

    it('writes JSON that predicts what the folder predicts', () => {
      const out = join(dir, 'a76.json');
      const c = runCli(['nnmeter', 'convert', pkg, out]);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stderr).toMatch(/wrote 4 kernel predictors \(1500 trees\)/);
      const ms = (src: string) => {
        const r = runCli([
          'latency',
          'blox',
          '--latency',
          src,
          '--arch',
          '0',
          '--arch',
          '91124',
          '--json',
          '--verbose',
        ]);
        expect(r.code, r.stderr).toBe(0);
        return { rows: JSON.parse(r.stdout).rows as { ms: number }[], stderr: r.stderr };
      };
      const a = ms(`nnmeter:${pkg}`);
      const b = ms(`nnmeter:${out}`);
      expect(b.rows).toEqual(a.rows);
      expect(a.rows[0]!.ms).toBeGreaterThan(0);
      // --verbose lists the kernels counted 0 ms: the SE's Sigmoid and mul, and gap without global-avgpool.pkl
      expect(a.stderr).toMatch(
        /kernels without a prediction \(0 ms\) in the \d+ networks probed:.*Sigmoid \(no nn-Meter features\)/,
      );
      expect(a.stderr).toMatch(/gap \(no global-avgpool\.pkl\)/);
    });

    it('refuses to write into the predictor folder it reads', () => {
      const r = runCli(['nnmeter', 'convert', pkg, join(pkg, 'out.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/inside/);
    });
  },
  300_000,
);
