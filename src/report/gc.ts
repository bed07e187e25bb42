/**
 * Give back the native memory of finished figure renders (see `releaseRender`): a full collection through
 * V8's `gc` hook, then one turn of the event loop for the native finalizers.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * resvg-js frees a render's native memory (the parsed SVG tree, the pixmap, the loaded fonts: ~5-10 MB a
 * figure) only when V8 collects the render's JS objects, and V8 does not count that memory
 * (thx/resvg-js#216), so it seldom collects: a report of 9 figures kept ~75 MB of finished renders.
 * Collecting after each figure, then yielding once so that the native finalizers run, keeps one at a time.
 */
export async function releaseRender(): Promise<void> {
  const gc = collector();
  if (!gc) return;
  gc();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

let gcHook: (() => void) | null | undefined;
/** `gc` of --expose-gc, or the same hook enabled at run time (V8's flag, read by new contexts only). */
function collector(): (() => void) | null {
  if (gcHook !== undefined) return gcHook;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    gcHook = exposed;
    return gcHook;
  }
  try {
    setFlagsFromString('--expose-gc');
    const hook = runInNewContext('gc') as unknown;
    gcHook = typeof hook === 'function' ? (hook as () => void) : null;
  } catch {
    gcHook = null;
  } finally {
    // Contexts made later (vm, workers) get no `gc` of their own.
    setFlagsFromString('--no-expose-gc');
  }
  return gcHook;
}
