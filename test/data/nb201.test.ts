import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadNb201,
  NB201_DATASETS,
  type Nb201Benchmark,
  nb201CachePath,
  parseNb201Sources,
  readNb201Cache,
} from '../../src/data/nb201.js';
import { officialToSpace } from '../../src/data/nb201-sources.js';
import { resolveSource } from '../../src/objectives/all.js';
import { getSpace } from '../../src/space/all.js';
import { runCli } from '../helpers/cli.js';
import { MIRROR, NO_MIRROR_REASON, useTempCache } from '../helpers/data.js';
import { asyncErrorOf } from '../helpers/errors.js';

const INDEX0 = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';

function argmax(v: Float64Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

describe.skipIf(!MIRROR)(`NB201 benchmark on real data (${MIRROR ? 'HWNAS_MIRROR set' : NO_MIRROR_REASON})`, () => {
  let tmp: ReturnType<typeof useTempCache>;
  let b: Nb201Benchmark;
  beforeAll(async () => {
    tmp = useTempCache();
    b = await loadNb201({ quiet: true, fresh: true });
  });
  afterAll(() => tmp.cleanup());

  it('has 15,625 rows in every column and the official cell order', () => {
    expect(b.size).toBe(15625);
    expect(b.cellStrings).toHaveLength(15625);
    expect(b.cellStrings[0]).toBe(INDEX0);
    for (const d of NB201_DATASETS) expect(b.accuracy[d]).toHaveLength(15625);
    expect(b.devices).toHaveLength(27);
    for (const dev of b.devices) expect(b.latency[dev]).toHaveLength(15625);
  });
  it('reproduces the known maxima (CIFAR-10 94.373 @6111, CIFAR-100 73.513 @9930, ImageNet16-120 47.311 @857)', () => {
    expect(argmax(b.accuracy.cifar10)).toBe(6111);
    expect(b.accuracy.cifar10[6111]).toBeCloseTo(94.373, 3);
    expect(argmax(b.accuracy.cifar100)).toBe(9930);
    expect(b.accuracy.cifar100[9930]).toBeCloseTo(73.513, 3);
    expect(argmax(b.accuracy['imagenet16-120'])).toBe(857);
    expect(b.accuracy['imagenet16-120'][857]).toBeCloseTo(47.311, 3);
  });
  it('index 0 on pixel3 takes 3.60585 ms; phones report whole milliseconds', () => {
    expect(b.latency.pixel3![0]).toBeCloseTo(3.60585, 5);
    expect(b.latency.pixel2!.every((x) => Number.isInteger(x))).toBe(true);
  });
  it('the binary cache holds exactly the parsed values', () => {
    const cached = readNb201Cache(nb201CachePath())!;
    const parsed = parseNb201Sources();
    expect(cached.cellStrings).toEqual(parsed.cellStrings);
    for (const d of NB201_DATASETS) expect(cached.accuracy[d]).toEqual(parsed.accuracy[d]);
    for (const dev of parsed.devices) expect(cached.latency[dev]).toEqual(parsed.latency[dev]);
    expect(cached.sources).toEqual(parsed.sources);
  });
  it('maps official indices to nb201 space indices one to one, by cell string', () => {
    const space = getSpace('nb201');
    const perm = officialToSpace(b, space);
    expect(new Set(perm).size).toBe(15625);
    for (const i of [0, 857, 6111, 9930, 15624]) expect(space.format(perm[i]!)).toBe(b.cellStrings[i]);
  });
  it('sources nb201:* and help:* are aligned with the space index', async () => {
    const space = getSpace('nb201');
    const acc = await resolveSource('nb201:cifar10', { space, quiet: true });
    expect(acc).toMatchObject({ direction: 'max', unit: '%', source: 'nb201:cifar10' });
    const best = space.parse(b.cellStrings[6111]!);
    expect(argmax(acc.values)).toBe(best);
    const lat = await resolveSource('help:pixel3', { space, quiet: true });
    expect(lat).toMatchObject({ direction: 'min', unit: 'ms' });
    expect(lat.values[space.parse(INDEX0)]).toBeCloseTo(3.60585, 5);
    await expect(resolveSource('help:nokia3310', { space })).rejects.toThrow(/unknown HELP device 'nokia3310'/);
    await expect(resolveSource('nb201:mnist', { space })).rejects.toThrow(/unknown NB201 dataset/);
  });
  it('hwnas bench info nb201 --json lists 30 objectives with min/median/max', () => {
    const r = runCli(['bench', 'info', 'nb201', '--json'], { env: { HWNAS_CACHE: tmp.dir } });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.architectures).toBe(15625);
    expect(j.objectives).toHaveLength(30);
    const c10 = j.objectives.find((o: { source: string }) => o.source === 'nb201:cifar10');
    expect(c10.max).toBeCloseTo(94.373, 3);
    expect(c10.min).toBeLessThanOrEqual(c10.median);
    expect(j.objectives.find((o: { source: string }) => o.source === 'help:pixel3')).toMatchObject({
      direction: 'min',
      unit: 'ms',
      count: 15625,
    });
  });
});

describe('nb201 sources need the nb201 space', () => {
  it('refuses another space with a hint', async () => {
    await expect(resolveSource('nb201:cifar10', { space: getSpace('blox') })).rejects.toThrow(
      /needs the nb201 space, not 'blox'/,
    );
  });
});

describe('source/space mismatch hints name both ways to pick the space', () => {
  it('nb201: on blox', async () => {
    const e = await asyncErrorOf(() => resolveSource('nb201:cifar100', { space: getSpace('blox'), quiet: true }));
    expect(e.message).toBe("source 'nb201:cifar100' needs the nb201 space, not 'blox'");
    expect((e as unknown as { hint: string }).hint).toMatch(/hwnas prune nb201/);
  });
});
