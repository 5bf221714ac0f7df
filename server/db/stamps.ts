import { AsyncLocalStorage } from 'node:async_hooks';
import { eq } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Database, WriteCounter } from './client';
import { dataStamps } from './stamps.table';

export type StampDomain = 'library';

export type Stamps = {
  /** The domain's stamp as the database holds it now. */
  read(domain: StampDomain): Promise<number>;
};

/** One request's stamps: within a request every cached read uses the stamp its first read saw, until the request itself writes. */
const requestStamps = new AsyncLocalStorage<Map<StampDomain, { generation: number; stamp: Promise<number> }>>();

/** Runs `next` (the rest of a request) with its own memory of the stamps it read. */
export function withRequestStamps<T>(next: () => T): T {
  return requestStamps.run(new Map(), next);
}

/**
 * Reads the stamps of migration 0019. On PostgreSQL a request reads each stamp it needs once,
 * since another instance may have written a moment before; a write this process sends makes the
 * next read ask again. On the embedded database, which only this process opens, a stamp read
 * while no statement that may write was sent since is still the database's stamp, so it is kept
 * until the next such statement.
 */
export function createStamps(deps: { db: Database; writes: WriteCounter }): Stamps {
  const { db, writes } = deps;
  const known = new Map<StampDomain, { stamp: number; generation: number }>();

  async function fromDatabase(domain: StampDomain, generation: number): Promise<number> {
    const [row] = await db.select({ stamp: dataStamps.stamp }).from(dataStamps).where(eq(dataStamps.domain, domain));
    const stamp = Number(row?.stamp ?? 0);
    // A write sent while this read waited may have committed before it ran: keep the stamp only
    // when none was sent.
    if (writes.exclusive && writes.generation() === generation) known.set(domain, { stamp, generation });
    return stamp;
  }

  return {
    read(domain) {
      const generation = writes.generation();
      const seen = known.get(domain);
      if (writes.exclusive && seen?.generation === generation) return Promise.resolve(seen.stamp);
      const scope = requestStamps.getStore();
      const inRequest = scope?.get(domain);
      if (inRequest && inRequest.generation === generation) return inRequest.stamp;
      const stamp = fromDatabase(domain, generation);
      scope?.set(domain, { generation, stamp });
      return stamp;
    },
  };
}

export type StampedCache = {
  /** The value under `key` computed at the domain's current stamp, computing it (once, for all callers) when there is none. */
  get<V>(key: string, compute: () => Promise<V>): Promise<V>;
};

/**
 * A bounded cache of what was read from one domain's tables, each value kept under the stamp read
 * before it was computed. The stamp is read first, so a value may be newer than its stamp, never
 * older: a write committed in between raises the stamp, and the next reader computes again.
 * Callers share the values, so they must not change them; outside production they are frozen, so
 * a caller that tries fails its tests.
 */
export function createStampedCache(stamps: Stamps, domain: StampDomain, options: { max: number; freeze: boolean }): StampedCache {
  const entries = new LRUCache<string, { stamp: number; value: Promise<unknown> }>({ max: options.max });
  return {
    async get<V>(key: string, compute: () => Promise<V>): Promise<V> {
      const stamp = await stamps.read(domain);
      const held = entries.get(key);
      if (held && held.stamp === stamp) return held.value as Promise<V>;
      const value = compute().then((v) => (options.freeze ? deepFreeze(v) : v));
      if (!held || held.stamp < stamp) {
        entries.set(key, { stamp, value });
        value.catch(() => {
          if (entries.get(key)?.value === value) entries.delete(key);
        });
      }
      return value;
    },
  };
}

function deepFreeze<V>(value: V): V {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
  } else {
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return Object.freeze(value);
}
