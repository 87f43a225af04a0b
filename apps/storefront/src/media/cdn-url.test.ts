import { describe, expect, it } from "vitest";
import { mediaUrlFor, resolveCdnUrl } from "./cdn-url.ts";

describe("resolveCdnUrl", () => {
  it("fails naming AGORA_CDN_URL when it is unset", () => {
    expect(() => resolveCdnUrl({})).toThrow(/AGORA_CDN_URL: .*not set/);
  });

  it("uses AGORA_CDN_URL without a trailing slash when set", () => {
    expect(resolveCdnUrl({ AGORA_CDN_URL: "https://cdn.example.com/" }).url).toBe(
      "https://cdn.example.com",
    );
  });

  it("names the variable when the value is not an http(s) URL or already ends in /media", () => {
    expect(() => resolveCdnUrl({ AGORA_CDN_URL: "ftp://cdn" })).toThrow(/AGORA_CDN_URL/);
    expect(() => resolveCdnUrl({ AGORA_CDN_URL: "https://cdn.example.com/media" })).toThrow(
      /AGORA_CDN_URL/,
    );
  });
});

describe("mediaUrlFor", () => {
  it("puts stored media paths on the CDN and leaves absolute URLs alone", () => {
    expect(mediaUrlFor("http://127.0.0.1:20950", "/media/products/a.svg")).toBe(
      "http://127.0.0.1:20950/media/products/a.svg",
    );
    expect(mediaUrlFor("http://cdn", "media/a.svg")).toBe("http://cdn/media/a.svg");
    expect(mediaUrlFor("http://cdn", "https://elsewhere/x.png")).toBe("https://elsewhere/x.png");
  });
});
