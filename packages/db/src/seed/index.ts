export {
  seed,
  type SeedOptions,
  type SeedProgress,
  type SeedReport,
  type DemoLogin,
} from "./seed.ts";
export { mulberry32, type Prng } from "./prng.ts";
export {
  hashPassword,
  legacyScryptHash,
  needsRehash,
  verifyPassword,
  verifyPasswordEvenly,
  dummyHashes,
} from "./password.ts";
export { productSvg } from "./product-image.ts";
export { DEMO_PASSWORD } from "./demo-data.ts";
