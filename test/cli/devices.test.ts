/** hwnas devices and hwnas calibrate with HWNAS_DEVICES_DIR. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';

describe('HWNAS_DEVICES_DIR pointing nowhere', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('hwnas devices and hwnas calibrate: one line naming the folder, not an empty list and exit 0', () => {
    const env = { HWNAS_DEVICES_DIR: file('no-devices') };
    for (const args of [['devices'], ['devices', '--json'], ['calibrate']]) {
      expectUserError(
        runCli(args, { env }),
        /^hwnas: no device files \(<device>\.json\) in .*no-devices \(HWNAS_DEVICES_DIR points there: fix the path or unset it\)$/,
      );
    }
  });
});
