/**
 * The HTML shells of the dashboard's pages. They hold no data: the page script (web/app.js) fetches the
 * page's JSON and builds the page with textContent, so nothing a study holds is ever parsed as HTML. The
 * one value a shell carries (the folder id, the architecture) is escaped into a data attribute.
 */
import { escapeHtml } from '../report/tables.js';

export type PageKind = 'list' | 'study' | 'open' | 'arch' | 'compare';

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function pageHtml(kind: PageKind, title: string, data: Record<string, string> = {}): string {
  const attrs = Object.entries(data)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · hwnas</title>
<link rel="stylesheet" href="/static/style.css">
<script src="/static/chart.js" defer></script>
<script src="/static/app.js" defer></script>
</head>
<body data-page="${kind}"${attrs}>
<header><a href="/" class="home">hwnas</a> <span id="crumb"></span> <span id="live" class="live" title="live updates">●</span></header>
<main id="main"><p class="note">Loading…</p></main>
</body>
</html>
`;
}
