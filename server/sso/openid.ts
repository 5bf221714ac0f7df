import type * as OpenidClient from 'openid-client';

export type OpenidClientModule = typeof OpenidClient;
export type OpenidConfiguration = OpenidClient.Configuration;

let loaded: Promise<OpenidClientModule> | undefined;

/**
 * openid-client 6 is published only as an ES module. The server is compiled to CommonJS, where
 * this `import()` becomes a `require()` that Node 20.19 and later load natively; under Jest the
 * `import()` is kept (`ignoreDynamic`) and runs as an ES module with --experimental-vm-modules.
 */
export function openidClient(): Promise<OpenidClientModule> {
  loaded ??= import('openid-client');
  return loaded;
}
