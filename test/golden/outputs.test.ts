/**
 * Byte-identical outputs across refactors: the default `hwnas reproduce` exports and the `--json` of
 * `search`, `open-search`, `front` and `prune`, pinned by sha256 from commit f9ee41a (before the house was
 * rebuilt around one closed problem and a ground floor for plumbing). A change of any byte here is a
 * change of behaviour, not a refactor: it needs its own commit and reason. The reproduce pins changed on
 * purpose in issue 13: time to quality by IGD+ (GD is not Pareto-compliant), the audit's best IGD+ column,
 * its notes on what each number means and which removed blocks a lost front uses.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MIRROR, NO_MIRROR_REASON } from '../helpers/data.js';

const skip = MIRROR ? '' : NO_MIRROR_REASON;
const dir = mkdtempSync(join(tmpdir(), 'hwnas-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

const nb201 = ['--space', 'nb201', '--accuracy', 'nb201:cifar100'];

/** Command line -> sha256 of its stdout. */
const JSON_OUTPUTS: [string[], string][] = [
  [
    ['search', ...nb201, '--latency', 'model:cortex-m7', '--evals', '300', '--strategy', 're', '--seed', '3', '--json'],
    '273f9dfd642e03460640d266a9986f16c07193d3b44ce0a11fe9bf07e278824b',
  ],
  [
    [
      'search',
      ...nb201,
      '--latency',
      'model:cortex-m7',
      '--evals',
      '300',
      '--strategy',
      'nsga2',
      '--seed',
      '3',
      '--json',
    ],
    '82745d2c7e15e1b8e1069361fda69a05e48a96024fbb497576a15318530095b8',
  ],
  [
    ['search', ...nb201, '--latency', 'model:cortex-m7', '--evals', '300', '--strategy', 'ls', '--seed', '3', '--json'],
    '68ff7846353aeb36d8a857c4448cd839b714e786653888fa01d61f0c832a6a95',
  ],
  [
    [
      'search',
      ...nb201,
      '--latency',
      'model:cortex-m7',
      '--evals',
      '300',
      '--strategy',
      'random',
      '--seed',
      '3',
      '--json',
    ],
    '9c09434d9438793e3f7796b674cf7a5b02f804cb7513a35789ee5b1b686f1ef1',
  ],
  [
    [
      'search',
      ...nb201,
      '--latency',
      'help:pixel3',
      '--evals',
      '500',
      '--prune',
      '0.5',
      '--metric',
      'pareto',
      '--seed',
      '2',
      '--json',
    ],
    'ae7606e307bef6a413afe4fb527929de7a41425f36238e1ce111cb4ba2c9496e',
  ],
  [
    [
      'search',
      ...nb201,
      '--latency',
      'model:cortex-a76',
      '--evals',
      '300',
      '--constraint',
      'latency<=5',
      '--seed',
      '4',
      '--json',
    ],
    '2044987bf74593d9e3c7b6eb96bdaf055cb74780adcf9a3b415b1c25b405273c',
  ],
  [
    ['front', ...nb201, '--latency', 'help:raspi4', '--json'],
    '12f45a4a07bbb2f74b7b744afc9f3a1de8da59a36f1af333ce829ede185f9ca1',
  ],
  [
    ['front', ...nb201, '--latency', 'model:cortex-m7', '--constraint', 'fits:cortex-m7', '--json'],
    '958b142706cde31980a5208887786c5b657090e3680d28080099bb7692826cd6',
  ],
  [
    [
      'prune',
      'nb201',
      '--latency',
      'help:pixel3',
      '--metric',
      'params/latency',
      '--ratio',
      '0.7',
      '--accuracy',
      'nb201:cifar100',
      '--json',
    ],
    'f7bcc29aafe42135b8f26fb343c2a46ac8be2825c9d9301d30c204a01d68348f',
  ],
  [
    ['prune', 'nb201', '--latency', 'model:cortex-m7', '--metric', 'latency', '--ratio', '0.5', '--report', '--json'],
    'b4f2413028e8366ecc09552ef4f8a78189d7fced9fed1a7d7aab80b96fc28b42',
  ],
];

/** sha256 of every file of the default study except study.sqlite (which stores timings). */
const REPRODUCE: Record<string, string> = {
  'plots/discovered-model-adreno-640.png': '8b46d01fdffd136a55d354a8d465654eccf0afc738ff2d3f5582b4a3780a5c56',
  'plots/discovered-model-adreno-640.svg': '13131995e3bf7bd0634d04f7774f0bebe0b49af7cf5bfc52474a83a50114ecd8',
  'plots/discovered-model-cortex-a76.png': 'a0c44ccf327d1bb46153c07828026b0adfc8c9d6a31d658230b64640e3354c9d',
  'plots/discovered-model-cortex-a76.svg': 'f0e1d062d91ce49e4424a5ac78716c11a77390a7a8fb62165a106ad44cab25fa',
  'plots/discovered-model-cortex-m7.png': '172fde1e1db1ef804b001c4447e91589451752e2746c1f8da0c82e81d021ae4b',
  'plots/discovered-model-cortex-m7.svg': 'db4427dc76a7792d54169f93f6fc30729776dc1d6628df4fb863e8ac99066cef',
  'plots/fronts-model-adreno-640.png': '41e4cc761b3b28dcd2607253920565086e5500b1f6bc6acf3e257974076d2772',
  'plots/fronts-model-adreno-640.svg': 'e582358c2464a2d1e86bbe260922351a70e125706abc47fd3dafa376f9be6f32',
  'plots/fronts-model-cortex-a76.png': 'c8f5fefbf89fbbbc3a1607390d4feb21f2545bb90fd387803ac79e5052884365',
  'plots/fronts-model-cortex-a76.svg': '86f31ec194faf52d74f7d576403d54c5e95fb66d201777bc96d0495322c03e2d',
  'plots/fronts-model-cortex-m7.png': 'aff0ae19acb44001df157e23e09606fcfcfd2747b7ad5a92986396977ce23e18',
  'plots/fronts-model-cortex-m7.svg': '80bf16c7e5353bbd64a0867a964b24f1148e689dfccaf1ab5477615c03bda531',
  'plots/gd-model-adreno-640.png': '6c7e347e74dbb652d9001104aec8b6f8169888bcaae5e75c5b8564fea11bfe5b',
  'plots/gd-model-adreno-640.svg': 'c86e5b4c33aa520ea19efe0bc59db89446725a6f3c4a373e65efebef35b4faeb',
  'plots/gd-model-cortex-a76.png': '33d900c576e3b28ac98581572669a1202ecbd0497fc079bcb3c93314ce19dee4',
  'plots/gd-model-cortex-a76.svg': '5b1266956619e11ca4f257c9bd3758401b7c4ceb48a7919b1f3b6d4cdcffda06',
  'plots/gd-model-cortex-m7.png': '2a584702417302cb41f50786a29478f64798f1d5f596a8ebf1b82ca7a4835c63',
  'plots/gd-model-cortex-m7.svg': '149b8980f7617182194ff20a89d052e5941060e91921156d5166e8d8b3ab0a95',
  'report.html': '1ce845d4f6661cc8d511a53040e239cc66344a6a1aa076f76a36140b483bccb9',
  'results/checkpoints.csv': '21c36bd5c57d1700d9fd2e19434b31d6f8e91b51e7c910531283958c66f16085',
  'results/results.json': 'b0da54b9c9ec7df822c8d14f4ce3fe4a92a4ca6d421ec1d84fbe440c8cd2ea4e',
  'results/runs.csv': 'c0817dc81ed31826a9be5063f4c763df6564070bf2ad64f366f39afaffd2baf5',
  'study.json': 'e9f0c9eaf66b95159020b393143ca3473c8a1d4c16fe20d36340942af8874520',
  'tables/gd-mean.csv': '3ec39f7498827f87fdbcc25079e567571dd919900a4e334e2b9118071fece96e',
  'tables/gd-mean.md': 'd9db11ba35d8afd02616508370dbf0265f69abc67e6b1feaccfa1ce0716eac58',
  'tables/gd.csv': '36d656391285572daa243db707c2ae52ecaac2c0266dfa6856fc2288e27830ef',
  'tables/gd.md': 'f84921e3148e4df72d096896f1fa279b4cc752f1050a5542da60d58681d9ee7c',
  'tables/hv.csv': 'afba5ba4c4b352768812ee2aebbe1f32639ac2af1dfa8c31c9579a7cefa084b7',
  'tables/hv.md': 'ade6e17a24f2a0d5c5ff273f3013beebb24cf70fdb65ad3ad8edd68e7775c158',
  'tables/igd-plus.csv': 'a1e89f075024f91bbf1c80007a91bac88a77792f81f55c19c07acd1186589601',
  'tables/igd-plus.md': '845d70cf81b0a40d939eaa4d250c92b53bcff7826c4bfc73a0fd2d1735ea06c1',
  'tables/pruning-audit.csv': '66be703c8d3c594109c6b293f024a3b6f5c9e14abb0d4e2f0fd7cf820193219b',
  'tables/pruning-audit.md': '66b34a44d7fd324077d9afda9b2e8490ded8b40319333314eeb98a72d44cca51',
  'tables/time-to-quality.csv': '515cc2da997ef08a10f0b19747f878d1d3cc3413d35ce22ac6a70c77ebd2912f',
  'tables/time-to-quality.md': 'b489be3971e9f5492de67332a27c845a79af25c0256374d35d1bc59a1320f522',
};

describe.skipIf(!MIRROR)(`byte-identical outputs${skip ? ` (${skip})` : ''}`, () => {
  it.each(JSON_OUTPUTS)('%j', (args, hash) => {
    const r = runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sha256(r.stdout)).toBe(hash);
  });

  it('open-search --json (in process, concurrency 2)', () => {
    const out = join(dir, 'open');
    const r = runCli([
      'open-search',
      '--space',
      'nb201',
      '--objective',
      'nb201:cifar100',
      '--objective',
      'model:cortex-m7',
      '--evals',
      '60',
      '--concurrency',
      '2',
      '--seed',
      '1',
      '--study',
      'golden',
      '--out',
      out,
      '--json',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(sha256(r.stdout)).toBe('03b449a7949b7ca5bb71d1b0071548debad78154664e316d3ec2e60660b1f832');
  });

  it('default hwnas reproduce: every export', () => {
    const out = join(dir, 'study');
    const r = runCli(['reproduce', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const files = filesUnder(out).filter((f) => f !== 'study.sqlite');
    const got = Object.fromEntries(files.map((f) => [f, sha256(readFileSync(join(out, f)))]));
    expect(got).toEqual(REPRODUCE);
  }, 120_000);
});
