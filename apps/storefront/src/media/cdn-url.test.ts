import { describe, expect, it } from "vitest";
import { topology } from "@agora/infra-local/topology";
import { mediaUrlFor, resolveCdnUrl } from "./cdn-url.ts";

const t = topology("test");
const topo = () => t;

describe("resolveCdnUrl", () => {
  it("derives the CDN edge from the topology when AGORA_CDN_URL is unset", () => {
    expect(resolveCdnUrl({}, topo)).toEqual({
      url: `http://127.0.0.1:${t.apps.cdn}`,
      source: "topology",
    });
  });

  it("uses AGORA_CDN_URL without a trailing slash when set", () => {
    expect(resolveCdnUrl({ AGORA_CDN_URL: "https://cdn.example.com/" }, topo).url).toBe(
      "https://cdn.example.com",
    );
  });

  it("names the variable when the value is not an http(s) URL or already ends in /media", () => {
    expect(() => resolveCdnUrl({ AGORA_CDN_URL: "ftp://cdn" }, topo)).toThrow(/AGORA_CDN_URL/);
    expect(() => resolveCdnUrl({ AGORA_CDN_URL: "https://cdn.example.com/media" }, topo)).toThrow(
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
