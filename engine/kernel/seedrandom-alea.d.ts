// Types for seedrandom's Alea generator imported on its own (random-streams.ts): the package's
// main module also loads its five other generators and node:crypto (for auto-seeding we never use).
declare module 'seedrandom/lib/alea.js' {
  import type seedrandom from 'seedrandom';

  const alea: (seed: string) => seedrandom.PRNG;
  export default alea;
}
