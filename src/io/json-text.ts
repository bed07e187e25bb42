/**
 * A parsed JSON value as text for an error line. JSON.parse reads 1e400 as Infinity (and -1e400 as
 * -Infinity), which JSON.stringify would print as `null`: the user wrote a number, so say what it became.
 */
export function jsonText(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : String(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? String(v);
}
