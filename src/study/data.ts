/**
 * Data a study needs before its sources resolve. NB201 and the device models fetch or compute on first use
 * inside their sources; a BLOX study first imports the user's BLOX release folder (`--blox-data DIR`) into
 * the cache so that `blox:<column>` sources (default `blox:test_top1`) find it.
 */
import { importBloxRelease } from '../data/index.js';
import { getSpace } from '../space/all.js';
import type { StudyConfig } from './config.js';

export async function importStudyData(config: StudyConfig, _quiet: boolean): Promise<void> {
  if (!config.bloxData) return;
  importBloxRelease(config.bloxData, getSpace('blox'));
}
