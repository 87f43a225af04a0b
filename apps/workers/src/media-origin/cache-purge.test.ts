import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cacheFileFor, purgeCacheKey } from "./cache-purge.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("cacheFileFor", () => {
  it("follows nginx's levels=1:2 layout: last hex digit, then the two before it", () => {
    const file = cacheFileFor("/c", "/media/a.svg");
    const md5 = file.split("/").at(-1)!;
    expect(md5).toMatch(/^[0-9a-f]{32}$/);
    expect(file).toBe(`/c/${md5.slice(-1)}/${md5.slice(-3, -1)}/${md5}`);
  });

  it("treats the query as part of the key (versioned URLs are separate objects)", () => {
    expect(cacheFileFor("/c", "/media/a.svg?v=2")).not.toBe(cacheFileFor("/c", "/media/a.svg"));
  });
});

describe("purgeCacheKey", () => {
  it("removes the cached file once and reports whether there was one", () => {
    dir = mkdtempSync(join(tmpdir(), "agora-purge-"));
    const file = cacheFileFor(dir, "/media/a.svg");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "cached");
    expect(purgeCacheKey(dir, "/media/a.svg")).toBe(true);
    expect(purgeCacheKey(dir, "/media/a.svg")).toBe(false);
  });
});
