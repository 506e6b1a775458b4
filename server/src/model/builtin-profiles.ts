// The built-in profiles, oldest era first. Static requires so esbuild bundles the JSON into
// server/out/cli.js and server.js (there is no profiles folder next to the bundle at run time).
/* eslint-disable @typescript-eslint/no-require-imports */

export const BUILTIN_PROFILES: readonly { id: string; load: () => unknown }[] = [
  { id: 'linux-common', load: () => require('../../profiles/linux-common.json') },
  { id: 'linux-2.6.26', load: () => require('../../profiles/linux-2.6.26.json') },
  { id: 'linux-2.6.34', load: () => require('../../profiles/linux-2.6.34.json') },
  { id: 'linux-3.19', load: () => require('../../profiles/linux-3.19.json') },
  { id: 'linux-5.4', load: () => require('../../profiles/linux-5.4.json') },
  { id: 'linux-6.1', load: () => require('../../profiles/linux-6.1.json') },
  { id: 'linux-6.12', load: () => require('../../profiles/linux-6.12.json') },
];
