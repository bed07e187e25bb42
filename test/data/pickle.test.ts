import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PickleValue, readPickle } from '../../src/data/pickle.js';
import { numberList, readTorchPickle } from '../../src/data/torch.js';
import { isHwnasError } from '../../src/errors.js';
import { float, tuple, type WValue, writePickle, writeTorchZip } from '../fixtures/pickle.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

function expectHwnasError(f: () => unknown, match?: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(isHwnasError(e), String(e)).toBe(true);
    if (match) expect((e as Error).message).toMatch(match);
    return;
  }
  throw new Error('expected an HwnasError');
}

describe('readPickle golden bytes', () => {
  it('reads a protocol-2 list of floats like HELP latency files', () => {
    // pickle.dumps([3.6058499999999998, 1.5], protocol=2): the first value of HELP's pixel3.pt
    const v = readPickle(hex('80025d7100284740 0cd8c7e28240b7 47 3ff8000000000000 652e'));
    expect(v).toEqual([3.6058499999999998, 1.5]);
  });
  it('reads ints of every width, bools, None and long1', () => {
    // [1, 300, -5, 2**40, True, False, None] hand-assembled
    const v = readPickle(hex('8002 5d 28 4b01 4d2c01 4afbffffff 8a06000000000001 88 89 4e 65 2e'));
    expect(v).toEqual([1, 300, -5, 2 ** 40, true, false, null]);
  });
  it('reads big long1 values as bigint', () => {
    // 2**70 = 0x40 0000 0000 0000 0000 -> 9 bytes LE with a sign byte
    const v = readPickle(hex('8002 8a09 000000000000000040 2e'));
    expect(v).toBe(2n ** 70n);
    expect(readPickle(hex('8002 8a01 ff 2e'))).toBe(-1);
  });
  it('reads dicts with memo get/put (str_arch2idx layout)', () => {
    // {'a': 0, 'b': 1} with BINPUT / SETITEMS, then a list referencing the memoised 'a' via BINGET
    const v = readPickle(hex('8002 7d7100 28 5801000000 61 7101 4b00 5801000000 62 7102 4b01 75 2e')) as Map<
      PickleValue,
      PickleValue
    >;
    expect([...v.entries()]).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(readPickle(hex('8002 5d7100 28 5801000000 78 7101 6801 65 2e'))).toEqual(['x', 'x']);
  });
  it('reads tuples (frozen), bytes and protocol-0 text opcodes', () => {
    const t = readPickle(hex('8002 4b01 4b02 86 2e')) as PickleValue[];
    expect(t).toEqual([1, 2]);
    expect(Object.isFrozen(t)).toBe(true);
    expect(readPickle(hex('8003 4303 010203 2e'))).toEqual(Uint8Array.from([1, 2, 3]));
    // protocol 0: (lp0\nI1\naF2.5\naS'hi'\naI01\na.
    expect(readPickle(bytes("(lp0\nI1\naF2.5\naS'hi'\naI01\na."))).toEqual([1, 2.5, 'hi', true]);
    expect(readPickle(bytes('(dp0\nVk\np1\nL12345678901234567890L\ns.'))).toEqual(
      new Map([['k', 12345678901234567890n]]),
    );
  });
  it('reads protocol-4 framing and MEMOIZE', () => {
    // pickle.dumps(['ab', 'ab'], protocol=4) with a shared string
    const v = readPickle(hex('8004 95 0e00000000000000 5d 94 28 8c02 6162 94 6801 65 2e'));
    expect(v).toEqual(['ab', 'ab']);
  });
});

describe('readPickle refuses anything but plain values', () => {
  const hostile: [string, Uint8Array, RegExp][] = [
    [
      'GLOBAL + REDUCE (os.system)',
      bytes('\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.'),
      /GLOBAL/,
    ],
    ['STACK_GLOBAL', hex('8004 8c02 6f73 8c06 73797374656d 93 2e'), /STACK_GLOBAL/],
    ['REDUCE', hex('8002 4e 29 52 2e'), /REDUCE/],
    ['BUILD', hex('8002 7d 7d 62 2e'), /BUILD/],
    ['INST', bytes('(ios\nsystem\n.'), /INST/],
    ['OBJ', hex('8002 28 4e 6f 2e'), /OBJ/],
    ['NEWOBJ', hex('8002 4e 29 81 2e'), /NEWOBJ/],
    ['NEWOBJ_EX', hex('8004 4e 29 7d 92 2e'), /NEWOBJ_EX/],
    ['PERSID', bytes('\x80\x02Pstorage\n.'), /PERSID/],
    ['BINPERSID', hex('8002 4e 51 2e'), /BINPERSID/],
    ['EXT1', hex('8002 8201 2e'), /EXT1/],
    ['sets', hex('8004 8f 2e'), /EMPTY_SET/],
  ];
  for (const [name, b, re] of hostile) {
    it(`refuses ${name}`, () => expectHwnasError(() => readPickle(b, 'evil.pkl'), re));
  }
  it('names the file, the opcode and the offset', () => {
    expectHwnasError(
      () => readPickle(hostile[0]![1], 'evil.pkl'),
      /pickle evil\.pkl: opcode GLOBAL \(0x63\) at byte 2 is not allowed/,
    );
  });
  it('refuses cyclic lists (l.append(l))', () => {
    expectHwnasError(() => readPickle(hex('8002 5d7100 6800 61 2e')), /cyclic/);
  });
  it('allows shared (acyclic) sub-lists', () => {
    const v = readPickle(hex('8002 5d7100 28 5d7101 4b01 61 6801 65 2e')) as PickleValue[][];
    expect(v).toEqual([[1], [1]]);
  });
  it('refuses structural errors', () => {
    expectHwnasError(() => readPickle(hex('8002 2e')), /STOP/);
    expectHwnasError(() => readPickle(hex('8002 4b01 4b02 2e')), /STOP/);
    expectHwnasError(() => readPickle(hex('8002 61 2e')), /underflow/);
    expectHwnasError(() => readPickle(hex('8002 4b01 65 2e')), /MARK/);
    expectHwnasError(() => readPickle(hex('8002 6805 2e')), /memo/);
    expectHwnasError(() => readPickle(hex('8002 4b01 4b02 61 2e')), /not a list/);
    expectHwnasError(() => readPickle(hex('8002 58ffffffff 2e')), /truncated/);
    expectHwnasError(() => readPickle(hex('8002 8d ffffffffffffff7f 2e')), /exceeds/);
    expectHwnasError(() => readPickle(hex('8002 ff 2e')), /unknown opcode/);
    expectHwnasError(() => readPickle(hex('8009 4e 2e')), /protocol/);
  });
});

const valueArb: fc.Arbitrary<WValue> = fc.letrec<{ v: WValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }).filter((b) => b < -(2n ** 53n) || b > 2n ** 53n),
    fc.double({ noNaN: true }).map(float),
    fc.string(),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.array(tie('v'), { maxLength: 3 }).map(tuple),
    fc
      .array(fc.tuple(fc.string({ maxLength: 4 }), tie('v')), { maxLength: 4 })
      .map((kv) => new Map<WValue, WValue>(kv)),
  ),
})).v;

/** What readPickle should give for a written value. */
function expected(v: WValue): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(expected);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [expected(k), expected(x)]));
  if ('float' in v) return v.float;
  return Object.values(v).length === 0
    ? (Object.getOwnPropertySymbols(v).map((s) => (v as never)[s]) as WValue[][])[0]!.map(expected)
    : undefined;
}

function mustBeValueOrHwnasError(b: Uint8Array): void {
  try {
    readPickle(b, 'fuzz.pkl');
  } catch (e) {
    if (!isHwnasError(e)) throw e;
  }
}

describe('readPickle properties (fast-check)', () => {
  it('round-trips values written by the test writer', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        expect(readPickle(writePickle(v))).toEqual(expected(v));
      }),
      { numRuns: 300 },
    );
  });
  it('every truncation of a valid pickle is an HwnasError', () => {
    fc.assert(
      fc.property(valueArb, fc.nat(), (v, cut) => {
        const b = writePickle(v);
        const n = cut % b.length;
        expect(() => readPickle(b.subarray(0, n))).toThrow();
        mustBeValueOrHwnasError(b.subarray(0, n));
      }),
      { numRuns: 300 },
    );
  });
  it('corrupted pickles give a value or an HwnasError, never a crash', () => {
    fc.assert(
      fc.property(
        valueArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (v, flips) => {
          const b = writePickle(v).slice();
          for (const [at, byte] of flips) b[at % b.length] = byte;
          mustBeValueOrHwnasError(b);
        },
      ),
      { numRuns: 500 },
    );
  });
  it('random bytes give a value or an HwnasError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => mustBeValueOrHwnasError(b)),
      { numRuns: 1000 },
    );
  });
  it('random opcode streams (valid opcodes, random arguments) give a value or an HwnasError', () => {
    const ops = [
      0x28, 0x29, 0x2e, 0x30, 0x31, 0x32, 0x4b, 0x4d, 0x4e, 0x58, 0x5d, 0x61, 0x65, 0x68, 0x71, 0x73, 0x74, 0x75, 0x7d,
      0x85, 0x86, 0x87, 0x88, 0x94, 0x95,
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...ops), fc.integer({ min: 0, max: 255 })), { maxLength: 80 }),
        (arr) => {
          mustBeValueOrHwnasError(Uint8Array.from([0x80, 2, ...arr]));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('.pt zip archives', () => {
  it('reads data.pkl from a torch-style zip', () => {
    const pt = writeTorchZip(writePickle([3.60585, 12, float(7)]));
    expect(numberList(readTorchPickle(pt, 'x.pt'), 'x.pt')).toEqual(Float64Array.from([3.60585, 12, 7]));
  });
  it('refuses non-zip bytes, zips without data.pkl and non-number lists', () => {
    expectHwnasError(() => readTorchPickle(bytes('not a zip'), 'x.pt'), /zip/);
    expectHwnasError(
      () => numberList(readTorchPickle(writeTorchZip(writePickle(['a'])), 'x.pt'), 'x.pt'),
      /not a number/,
    );
  });
  it('random and corrupted zips give HwnasErrors', () => {
    const good = writeTorchZip(writePickle([1.5, 2.5]));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (at, byte, cut) => {
        const b = good.slice(0, Math.max(1, good.length - (cut % 8)));
        b[at % b.length] = byte;
        try {
          readTorchPickle(b, 'x.pt');
        } catch (e) {
          if (!isHwnasError(e)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});

const python = spawnSync('python3', ['-c', 'import pickle'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!python)('pickles written by python3 (skipped without python3)', () => {
  it('reads every protocol 0-5 like Python wrote it', () => {
    const script = `
import pickle, sys, json
v = [None, True, False, 0, 255, 65535, -1, 2**31, 2**70, -2**70, 1.5, -0.25, 1e300, "héllo ✓", b"\\x00\\x01", (1, "t"), {"k": [1, 2.0], 3: None}, [[]] * 2, ""]
# Python 3 pickles bytes as a codecs.encode REDUCE below protocol 3: leave them out there.
out = {str(p): pickle.dumps(v if p >= 3 else v[:14] + [None] + v[15:], protocol=p).hex() for p in range(0, 6)}
print(json.dumps(out))`;
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const dumps = JSON.parse(r.stdout) as Record<string, string>;
    for (const [p, h] of Object.entries(dumps)) {
      const v = readPickle(hex(h), `protocol ${p}`) as PickleValue[];
      expect(v.slice(0, 14)).toEqual([
        null,
        true,
        false,
        0,
        255,
        65535,
        -1,
        2 ** 31,
        2n ** 70n,
        -(2n ** 70n),
        1.5,
        -0.25,
        1e300,
        'héllo ✓',
      ]);
      if (Number(p) >= 3) expect(v[14]).toEqual(Uint8Array.from([0, 1]));
      expect(v[15]).toEqual([1, 't']);
      expect(v[16]).toEqual(
        new Map<PickleValue, PickleValue>([
          ['k', [1, 2]],
          [3, null],
        ]),
      );
      expect(v[17]).toEqual([[], []]);
    }
  });
});
