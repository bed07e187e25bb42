/**
 * `npm run build:transfer-prior`: learns devices/priors/transfer.json (src/hardware/transfer.ts) from the
 * 27 HELP NAS-Bench-201 latency tables, fetched and checksum-verified like every `help:` source
 * (HWNAS_MIRROR for a local mirror). The file holds a few numbers per base device model, no table.
 */
import { join } from 'node:path';
import { HELP_DEVICES } from '../src/data/index.js';
import { devicesDir } from '../src/hardware/device.js';
import { buildTransferPriorFile, TRANSFER_PRIOR_FILE } from '../src/hardware/transfer.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { toJson } from '../src/io/json.js';
import { resolveSource } from '../src/objectives/all.js';
import { getSpace } from '../src/space/all.js';

const space = getSpace('nb201');
const tables = [];
for (const name of HELP_DEVICES)
  tables.push({ name, values: (await resolveSource(`help:${name}`, { space, quiet: true })).values });
const file = buildTransferPriorFile(space, tables, {
  data: 'HELP NAS-Bench-201 latency tables, HayeonLee/HELP@45f70eb92d0d735970a33b608d1544ad3c52f285',
  command: 'npm run build:transfer-prior',
});
const out = join(devicesDir(), TRANSFER_PRIOR_FILE);
writeFileAtomic(out, toJson(file));
console.log(
  `wrote ${out}: priors for ${Object.keys(file.priors).length} base device specs from ${tables.length} tables`,
);
