/**
 * A small real file system for disk-full tests: a tmpfs of `sizeMb` where root may mount one, else a
 * loop-mounted ext4 image. Where neither can be made, `reason` says why (the tests skip, saying so).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallFs {
  dir: string | null;
  reason: string;
  unmount(): void;
}

function sh(cmd: string, args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: (r.stderr || r.error?.message || '').trim() };
}

export function mountSmallFs(sizeMb: number): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-smallfs-'));
  const tmpfs = sh('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  if (tmpfs.ok) return { dir, reason: '', unmount: () => unmount(dir) };
  const image = `${dir}.img`;
  const loop =
    sh('truncate', ['-s', `${sizeMb}M`, image]).ok && sh('mkfs.ext4', ['-q', '-F', image]).ok
      ? sh('mount', ['-o', 'loop', image, dir])
      : { ok: false, err: 'cannot make an ext4 image' };
  if (loop.ok)
    return {
      dir,
      reason: '',
      unmount: () => {
        unmount(dir);
        rmSync(image, { force: true });
      },
    };
  rmSync(image, { force: true });
  rmSync(dir, { recursive: true, force: true });
  return {
    dir: null,
    reason: `no small file system can be mounted here (tmpfs: ${tmpfs.err}; loop ext4: ${loop.err})`,
    unmount: () => {},
  };
}

function unmount(dir: string): void {
  sh('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
}

/** Fill the file system of `dir` with a file so that about `freeBytes` stay free. */
export function fillTo(dir: string, freeBytes: number): string {
  const s = statfsSync(dir);
  const free = s.bavail * s.bsize;
  const filler = join(dir, 'filler');
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - freeBytes)));
  return filler;
}

/** Every entry under `dir`, as paths relative to it. */
export function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}
