/**
 * Data a study needs before its sources resolve. NB201 and device models fetch on first use inside their
 * sources; a BLOX study first imports the user's BLOX release folder (`--blox-data DIR`) so that
 * `blox:<column>` sources find it.
 */
import { fail } from '../errors.js';
import type { StudyConfig } from './config.js';

export async function importStudyData(config: StudyConfig, quiet: boolean): Promise<void> {
  if (!config.bloxData) return;
  const data = (await import('../data/index.js')) as Record<string, unknown>;
  const importBlox = data.importBloxRelease as
    | ((dir: string, opts: { quiet: boolean }) => Promise<unknown>)
    | undefined;
  if (typeof importBlox !== 'function') {
    fail(
      'importing a BLOX release is not available in this build',
      'run `hwnas data import blox <dir>` first, then pass --accuracy blox:test_top1',
    );
  }
  await importBlox(config.bloxData, { quiet });
}
