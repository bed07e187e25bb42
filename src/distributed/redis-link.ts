/**
 * Watched Redis connections for the coordinator and the workers. Left alone, ioredis reconnects forever
 * and prints a stack trace per failed retry; here a lost connection is one line, its return another,
 * retries back off up to 2 s, and an outage longer than the timeout breaks the link: one user error
 * naming the URL (password masked) instead of waiting forever.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { HwnasError } from '../errors.js';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/** Default of `--redis-timeout`: how long Redis may stay unreachable before the command gives up (s). */
export const DEFAULT_REDIS_TIMEOUT_S = 600;

/** The target as a URL for messages: the password is never shown. */
export function redisLabel(t: RedisTarget): string {
  const auth = t.password ? `${t.username ?? ''}:***@` : t.username ? `${t.username}@` : '';
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.tls ? 'rediss' : 'redis'}://${auth}${host}:${t.port}/${t.db}`;
}

export function redisOptions(t: RedisTarget): RedisOptions {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: { servername: t.host } } : {}),
    // BullMQ's blocking commands must not time out on a retry limit.
    maxRetriesPerRequest: null,
  };
}

/** Delay before reconnect attempt `times` (1, 2, ...): 100 ms doubling up to 2 s. */
export function reconnectDelayMs(times: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(times - 1, 0), 5), 2000);
}

export interface RedisLinkOptions {
  /** Give up once Redis has been unreachable this long (ms). */
  timeoutMs: number;
  /** Receives one line when the connection is lost and one when it is back. */
  log?: (line: string) => void;
  /** The hint of the error when the link breaks (what the user does next). */
  hint?: string;
}

export class RedisLink {
  readonly label: string;
  /** Set once Redis stayed unreachable longer than the timeout. */
  broken: HwnasError | undefined;
  private readonly connections: Redis[] = [];
  private readonly down = new Set<Redis>();
  private readonly backHandlers: (() => void)[] = [];
  private readonly brokenHandlers: ((e: HwnasError) => void)[] = [];
  private lostAt = 0;
  private lastError = '';
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly target: RedisTarget,
    private readonly opts: RedisLinkOptions,
  ) {
    this.label = redisLabel(target);
  }

  /** A new watched connection (reconnects with backoff until the link breaks). */
  connection(): Redis {
    const c = new Redis({ ...redisOptions(this.target), retryStrategy: reconnectDelayMs });
    c.on('error', (e: Error) => {
      this.lastError = e.message;
    });
    c.on('close', () => this.lost(c));
    c.on('ready', () => this.ready(c));
    this.connections.push(c);
    return c;
  }

  /** Called each time every connection is back after a loss (Redis may have restarted empty). */
  onBack(fn: () => void): void {
    this.backHandlers.push(fn);
  }

  /** Called once, when the link breaks. */
  onBroken(fn: (e: HwnasError) => void): void {
    if (this.broken) fn(this.broken);
    else this.brokenHandlers.push(fn);
  }

  private lost(c: Redis): void {
    if (this.closed || this.broken) return;
    const first = this.down.size === 0;
    this.down.add(c);
    if (!first) return;
    this.lostAt = Date.now();
    this.opts.log?.(
      `lost the connection to Redis at ${this.label}; retrying for up to ${Math.round(this.opts.timeoutMs / 1000)} s (--redis-timeout)`,
    );
    this.timer = setTimeout(() => this.breakLink(), this.opts.timeoutMs);
  }

  private ready(c: Redis): void {
    if (this.closed || this.broken || !this.down.delete(c) || this.down.size > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.opts.log?.(
      `the connection to Redis at ${this.label} is back after ${((Date.now() - this.lostAt) / 1000).toFixed(1)} s`,
    );
    for (const fn of this.backHandlers) fn();
  }

  private breakLink(): void {
    if (this.closed || this.broken) return;
    const why = this.lastError ? ` (last error: ${this.lastError})` : '';
    this.broken = new HwnasError(
      `Redis at ${this.label} unreachable for ${Math.round((Date.now() - this.lostAt) / 1000)} s${why}`,
      this.opts.hint ?? 'start redis-server again or raise --redis-timeout',
    );
    for (const c of this.connections) c.disconnect(); // stop retrying
    for (const fn of this.brokenHandlers.splice(0)) fn(this.broken);
  }

  /** Stop watching and disconnect every connection. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const c of this.connections) c.disconnect();
  }
}
