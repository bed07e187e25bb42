/**
 * Debian's python3 with PyTorch (tests of export-torch and the trainer): whether it is there, and one
 * python process that loads many exported modules at once (batched: importing torch costs seconds).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';

function probe(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0;
}

/** True when /usr/bin/python3 imports torch (CI installs python3-torch: .ci/run). */
export const HAS_TORCH = probe();
export const NO_TORCH_REASON = 'PyTorch: /usr/bin/python3 cannot import torch (apt install python3-torch) (skipped)';

export interface ModuleCheck {
  /** The exported module source file. */
  py: string;
  /** Its --weights file, loaded with the module's own load_weights (optional). */
  weights?: string;
  /** Raw little-endian float32 input file of shape `shape` (optional: then no output). */
  input?: string;
  shape?: number[];
}

export interface ModuleResult {
  /** Sum of p.numel() over module.parameters(). */
  params: number;
  /** Flattened output of the module in eval mode on the input, when one was given. */
  output?: number[];
  outputShape?: number[];
}

const SCRIPT = `
import importlib.util, json, sys, torch
torch.set_num_threads(1)
out = []
for k, c in enumerate(json.load(open(sys.argv[1]))):
    spec = importlib.util.spec_from_file_location(f"m{k}", c["py"])
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    net = m.build()
    if c.get("weights"):
        m.load_weights(net, c["weights"])
    net.eval()
    r = {"params": sum(p.numel() for p in net.parameters())}
    if c.get("input"):
        raw = bytearray(open(c["input"], "rb").read())
        x = torch.frombuffer(raw, dtype=torch.float32).reshape(c["shape"])
        with torch.no_grad():
            y = net(x)
        r["output"] = y.reshape(-1).tolist()
        r["outputShape"] = list(y.shape)
    out.append(r)
print(json.dumps(out))
`;

/** Load every module in one python process; throws with python's stderr when it fails. */
export function checkModules(dir: string, checks: readonly ModuleCheck[]): ModuleResult[] {
  const list = join(dir, 'checks.json');
  writeFileSync(list, JSON.stringify(checks));
  const r = spawnSync(PYTHON, ['-c', SCRIPT, list], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as ModuleResult[];
}
