/**
 * The dashboard's HTTP server (node:http, no framework): pages, their JSON, the static front end, files
 * of the served folder, ONNX downloads and one server-sent-events stream per page for live updates.
 * Read-only by construction: no handler writes a file; stores are read through snapshot.ts, histories
 * through history-tail.ts. Every response carries a strict Content-Security-Policy; a non-loopback bind
 * needs the access token on every request (query `token=`, then a cookie; or `Authorization: Bearer`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, isHwnasError } from '../errors.js';
import type { SearchSpace } from '../space/types.js';
import { archDetail, archIndex, archOnnx, archTorch, spaceOf } from './arch.js';
import { OpenFolder } from './open-view.js';
import { CSP, type PageKind, pageHtml } from './pages.js';
import { resolveInside } from './safe-path.js';
import { HISTORY_FILE, SEARCH_FILE, type ServedFolder, scanFolders } from './scan.js';
import { storeSignature } from './snapshot.js';
import { studyStatus } from './status.js';
import { type StudySummaryOut, type StudyView, studyObjectives, studySummary, studyView } from './study-view.js';

export interface ServeOptions {
  folder: string;
  port: number;
  host: string;
  /** The access token; undefined: a random one on a non-loopback bind, none on loopback; null: refuse none. */
  token?: string | null;
  /** How often watched files are checked for live updates, ms. */
  pollMs?: number;
}

export interface RunningServer {
  url: string;
  /** The URL with the token, to open in a browser. */
  openUrl: string;
  port: number;
  host: string;
  token: string | null;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
const STATIC: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'chart.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};
/** Content types of files served from the folder; anything else is a download. */
const FILE_TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};
const RESCAN_MS = 2000;

function fileSig(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.size}:${s.mtimeNs}`;
  } catch {
    return '-';
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Client {
  res: ServerResponse;
  /** Folder ids the page shows; null: the list (every folder, and folders appearing). */
  ids: string[] | null;
  sigs: Map<string, string>;
}

export class Dashboard {
  private folders = new Map<string, ServedFolder>();
  private scannedAt = 0;
  private listSig = '';
  private studyCache = new Map<string, { sig: string; view: StudyView; json: string }>();
  private summaryCache = new Map<string, { sig: string; summary: StudySummaryOut }>();
  private openFolders = new Map<string, OpenFolder>();
  private clients = new Set<Client>();
  private static = new Map<string, Buffer>();
  readonly rootReal: string;

  constructor(readonly root: string) {
    this.rootReal = realpathSync(root);
    for (const name of Object.keys(STATIC)) this.static.set(name, readFileSync(join(WEB, name)));
  }

  /** The served folders, rescanned at most every RESCAN_MS. */
  list(): ServedFolder[] {
    if (Date.now() - this.scannedAt >= RESCAN_MS) {
      const found = scanFolders(this.rootReal);
      this.folders = new Map(found.map((f) => [f.id, f]));
      this.listSig = found.map((f) => `${f.kind}:${f.id}`).join('\n');
      this.scannedAt = Date.now();
    }
    return [...this.folders.values()];
  }

  folder(id: string, kind?: ServedFolder['kind']): ServedFolder {
    this.list();
    let f = this.folders.get(id);
    if (!f) {
      this.scannedAt = 0;
      this.list();
      f = this.folders.get(id);
    }
    if (!f || (kind && f.kind !== kind)) throw new HttpError(404, `no ${kind ?? 'folder'} '${id}' here`);
    return f;
  }

  signature(f: ServedFolder): string {
    if (f.kind === 'study') return storeSignature(f.path);
    return `${fileSig(join(f.path, HISTORY_FILE))}|${fileSig(join(f.path, SEARCH_FILE))}`;
  }

  /** The study page's JSON, rebuilt only when the store changed (or its status did, with time alone). */
  studyJson(id: string): string {
    const f = this.folder(id, 'study');
    const sig = storeSignature(f.path);
    const hit = this.studyCache.get(id);
    if (hit && hit.sig === sig) {
      const status = studyStatus(f.path, hit.view.done, hit.view.total);
      if (status === hit.view.status) return hit.json;
      const view = { ...hit.view, status };
      const json = JSON.stringify(view);
      this.studyCache.set(id, { sig, view, json });
      return json;
    }
    const view = studyView(id, f.path);
    const json = JSON.stringify(view);
    this.studyCache.set(id, { sig, view, json });
    return json;
  }

  openFolder(id: string): OpenFolder {
    const f = this.folder(id, 'open');
    let o = this.openFolders.get(id);
    if (!o) {
      o = new OpenFolder(id, f.path, spaceOf);
      this.openFolders.set(id, o);
    }
    return o;
  }

  summary(f: ServedFolder): StudySummaryOut | ReturnType<OpenFolder['summary']> {
    if (f.kind === 'open') return this.openFolder(f.id).summary();
    const sig = storeSignature(f.path);
    const hit = this.summaryCache.get(f.id);
    if (hit && hit.sig === sig) {
      // The status moves with time too (a writer gone quiet): recomputed from the cached counts.
      return { ...hit.summary, status: studyStatus(f.path, hit.summary.done, hit.summary.total) };
    }
    const summary = studySummary(f.id, f.path);
    this.summaryCache.set(f.id, { sig, summary });
    return summary;
  }

  listView(): unknown[] {
    return this.list().map((f) => {
      try {
        return this.summary(f);
      } catch (e) {
        if (!isHwnasError(e)) throw e;
        return { id: f.id, kind: f.kind, status: 'unreadable', error: e.line(), done: 0, total: null, evals: 0 };
      }
    });
  }

  /** The space and the objectives of one architecture on every source of the folder. */
  private archSource(id: string): {
    space: SearchSpace;
    objectives: (arch: number) => { source: string; name: string; unit: string; value: number | null }[];
    evaluation: (arch: number) => number | null;
  } {
    const f = this.folder(id);
    if (f.kind === 'study') {
      const s = studyObjectives(f.path);
      const space = spaceOf(s.space);
      if (!space) throw new HttpError(404, `space '${s.space}' is not known here`);
      return { space, objectives: s.at, evaluation: () => null };
    }
    const o = this.openFolder(id);
    const v = o.view();
    const space = spaceOf(v.space);
    if (!space) throw new HttpError(404, `space '${v.space}' is not known here`);
    return {
      space,
      objectives: (arch) => {
        const got = o.objectivesOf(arch);
        return v.specs.map((s) => ({
          source: 'evaluator',
          name: s.name,
          unit: s.direction === 'max' ? 'maximised' : 'minimised',
          value: got && typeof got.objectives[s.name] === 'number' ? got.objectives[s.name]! : null,
        }));
      },
      evaluation: (arch) => o.objectivesOf(arch)?.n ?? null,
    };
  }

  arch(id: string, archText: string): unknown {
    const src = this.archSource(id);
    const index = archIndex(src.space, archText);
    return {
      folder: id,
      kind: this.folder(id).kind,
      objectives: src.objectives(index),
      evaluation: src.evaluation(index),
      ...archDetail(src.space, index),
    };
  }

  onnx(id: string, archText: string): { name: string; bytes: Uint8Array } {
    const { space } = this.archSource(id);
    const index = archIndex(space, archText);
    return { name: `${space.id.replace(/[^A-Za-z0-9_-]+/g, '_')}-${index}.onnx`, bytes: archOnnx(space, index) };
  }

  torch(id: string, archText: string): { name: string; source: string } {
    const { space } = this.archSource(id);
    const index = archIndex(space, archText);
    return { name: `${space.id.replace(/[^A-Za-z0-9_-]+/g, '_')}-${index}.py`, source: archTorch(space, index) };
  }

  staticFile(name: string): { type: string; body: Buffer } | undefined {
    const body = this.static.get(name);
    return body && { type: STATIC[name]!, body };
  }

  addClient(c: Client): void {
    this.clients.add(c);
    for (const id of c.ids ?? []) {
      const f = this.folders.get(id);
      if (f) c.sigs.set(id, this.signature(f));
    }
    if (c.ids === null) {
      this.list();
      c.sigs.set('\0list', this.listSig);
      for (const f of this.folders.values()) c.sigs.set(f.id, this.signature(f));
    }
  }

  removeClient(c: Client): void {
    this.clients.delete(c);
  }

  /** One polling tick: tell every page whose folders changed. */
  tick(): void {
    if (this.clients.size === 0) return;
    const sigs = new Map<string, string>();
    const sigOf = (f: ServedFolder) => {
      let s = sigs.get(f.id);
      if (s === undefined) {
        s = this.signature(f);
        sigs.set(f.id, s);
      }
      return s;
    };
    for (const c of this.clients) {
      const changed: string[] = [];
      if (c.ids === null) this.list();
      const ids = c.ids ?? [...this.folders.keys()];
      if (c.ids === null && c.sigs.get('\0list') !== this.listSig) {
        c.sigs.set('\0list', this.listSig);
        changed.push('\0list');
      }
      for (const id of ids) {
        const f = this.folders.get(id);
        if (!f) continue;
        const s = sigOf(f);
        if (c.sigs.get(id) !== s) {
          c.sigs.set(id, s);
          changed.push(id);
        }
      }
      if (changed.length > 0) c.res.write(`event: change\ndata: ${JSON.stringify({ ids: changed })}\n\n`);
    }
  }

  closeClients(): void {
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}

/** Answer the request (true: route() returns it, so every path of it ends in an answer or a throw). */
function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): true {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
  return true;
}

function sendJson(res: ServerResponse, value: unknown): true {
  return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value));
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const c = req.headers.cookie;
  if (!c) return undefined;
  for (const part of c.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'hwnas_token') return v.join('=');
  }
  return undefined;
}

/** Path segments of a raw request path, each percent-decoded (a malformed escape is a 400). */
function segments(path: string): string[] {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in the path');
  }
}

function queryParams(raw: string): URLSearchParams {
  const q = raw.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
}

const PAGES: Record<string, PageKind> = { study: 'study', open: 'open', arch: 'arch' };

export function handler(d: Dashboard, token: string | null, loopbackPort: number | null) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    securityHeaders(res);
    try {
      route(d, token, loopbackPort, req, res);
    } catch (e) {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (e instanceof HttpError) send(res, e.status, 'text/plain; charset=utf-8', `${e.message}\n`);
      else if (isHwnasError(e)) send(res, 404, 'text/plain; charset=utf-8', `${e.line()}\n`);
      else send(res, 500, 'text/plain; charset=utf-8', `internal error: ${(e as Error).message}\n`);
    }
  };
}

function route(
  d: Dashboard,
  token: string | null,
  loopbackPort: number | null,
  req: IncomingMessage,
  res: ServerResponse,
): true {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    throw new HttpError(405, 'the dashboard is read-only: GET only');
  }
  const raw = req.url ?? '/';
  const path = raw.split('?')[0]!;
  const query = queryParams(raw);
  // A loopback bind answers only to loopback names: a page of another site cannot rebind its name to us.
  if (loopbackPort !== null) {
    const host = (req.headers.host ?? '').toLowerCase();
    const ok = ['127.0.0.1', 'localhost', '[::1]'].some((h) => host === `${h}:${loopbackPort}` || host === h);
    if (!ok) throw new HttpError(403, 'unexpected Host header');
  }
  if (token !== null) {
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    const fromQuery = query.get('token') ?? undefined;
    if (!(sameToken(cookieToken(req), token) || sameToken(bearer, token) || sameToken(fromQuery, token)))
      throw new HttpError(401, 'access token required: open the URL with ?token=... that `hwnas serve` printed');
    if (sameToken(fromQuery, token))
      res.setHeader('Set-Cookie', `hwnas_token=${token}; HttpOnly; SameSite=Strict; Path=/`);
  }
  const seg = segments(path);
  const [head, ...rest] = seg;
  // Browsers ask for it on every page: no icon, and no 404 in their console.
  if (path === '/favicon.ico') {
    res.writeHead(204);
    res.end();
    return true;
  }
  if (path === '/' || path === '') return send(res, 200, 'text/html; charset=utf-8', pageHtml('list', 'studies'));
  if (head === 'compare' && rest.length === 0)
    return send(res, 200, 'text/html; charset=utf-8', pageHtml('compare', 'compare'));
  if (head && PAGES[head] && rest.length >= 1) {
    const kind = PAGES[head]!;
    const id = rest[0]!;
    if (kind === 'arch') {
      if (rest.length !== 2) throw new HttpError(404, 'no such page');
      d.folder(id);
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        pageHtml('arch', `architecture ${rest[1]}`, { id, arch: rest[1]! }),
      );
    }
    if (rest.length !== 1) throw new HttpError(404, 'no such page');
    d.folder(id, kind === 'study' ? 'study' : 'open');
    return send(res, 200, 'text/html; charset=utf-8', pageHtml(kind, id, { id }));
  }
  if (head === 'static' && rest.length === 1) {
    const f = d.staticFile(rest[0]!);
    if (!f) throw new HttpError(404, 'no such file');
    return send(res, 200, f.type, f.body);
  }
  if (head === 'file') {
    const r = resolveInside(d.rootReal, path.slice('/file/'.length));
    if (!r.ok)
      throw new HttpError(r.why === 'forbidden' ? 403 : 404, r.why === 'forbidden' ? 'forbidden' : 'no such file');
    const type = FILE_TYPES[extname(r.path).toLowerCase()];
    const body = readFileSync(r.path);
    // A served HTML or SVG file runs nothing and loads nothing (the reports are self-contained).
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    if (!type) res.setHeader('Content-Disposition', 'attachment');
    return send(res, 200, type ?? 'application/octet-stream', body);
  }
  if (head === 'events' && rest.length === 0) return events(d, query, req, res);
  if (head === 'api') {
    const [what, id, arch] = rest;
    if (what === 'list' && rest.length === 1) return sendJson(res, d.listView());
    if (what === 'study' && id !== undefined && rest.length === 2)
      return send(res, 200, 'application/json; charset=utf-8', d.studyJson(id));
    if (what === 'open' && id !== undefined && rest.length === 2) return sendJson(res, d.openFolder(id).view());
    if (what === 'arch' && id !== undefined && arch !== undefined && rest.length === 3)
      return sendJson(res, d.arch(id, arch));
    if (what === 'onnx' && id !== undefined && arch !== undefined && rest.length === 3) {
      const m = d.onnx(id, arch);
      res.setHeader('Content-Disposition', `attachment; filename="${m.name}"`);
      return send(res, 200, 'application/octet-stream', m.bytes);
    }
    if (what === 'torch' && id !== undefined && arch !== undefined && rest.length === 3) {
      const m = d.torch(id, arch);
      res.setHeader('Content-Disposition', `attachment; filename="${m.name}"`);
      return send(res, 200, 'text/x-python; charset=utf-8', m.source);
    }
  }
  throw new HttpError(404, 'no such page');
}

function events(d: Dashboard, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): true {
  const ids = query.getAll('f');
  for (const id of ids) d.folder(id);
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
  res.write('retry: 1000\n\n');
  const client: Client = { res, ids: ids.length ? ids : null, sigs: new Map() };
  d.addClient(client);
  req.on('close', () => d.removeClient(client));
  return true;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(o.folder);
  } catch {
    fail(`folder '${o.folder}' does not exist`, 'give a folder holding studies or open searches, e.g. hwnas serve .');
  }
  if (!st.isDirectory()) fail(`'${o.folder}' is a file, not a folder`, 'give the folder that holds the studies');
  const loopback = isLoopback(o.host);
  if (!loopback && o.token === null)
    fail(
      `serving on ${o.host} without an access token would let anyone who reaches it read every study`,
      'drop --no-token (a random token is printed at start) or serve on 127.0.0.1',
    );
  if (o.token !== undefined && o.token !== null && !/^[A-Za-z0-9_-]{16,}$/.test(o.token))
    fail('--token must be at least 16 letters, digits, - or _', 'or leave it out for a random one');
  const token = o.token ?? (loopback ? null : randomBytes(24).toString('base64url'));
  const d = new Dashboard(o.folder);
  let server: Server;
  const port = await new Promise<number>((resolve, reject) => {
    // The Host check needs the bound port: the handler is set once it is known.
    let bound: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
    server = createServer((req, res) => bound?.(req, res));
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      const p = (server.address() as AddressInfo).port;
      bound = handler(d, token, loopback ? p : null);
      resolve(p);
    });
  }).catch((e: NodeJS.ErrnoException) => {
    const code = e.code;
    if (code === 'EADDRINUSE')
      fail(
        `port ${o.port} on ${o.host} is in use`,
        'pass another --port (or --port 0 for any free one), or stop what listens there',
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      fail(
        `cannot listen on ${o.host}: no such address on this machine`,
        'give --host 127.0.0.1 or an address of this machine',
      );
    if (code === 'EACCES') fail(`not allowed to listen on port ${o.port}`, 'use a port above 1023, e.g. --port 8080');
    throw e;
  });
  const timer = setInterval(() => d.tick(), o.pollMs ?? 400);
  timer.unref();
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${shown}:${port}/`;
  return {
    url,
    openUrl: token ? `${url}?token=${token}` : url,
    port,
    host: o.host,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        d.closeClients();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
