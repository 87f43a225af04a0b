import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RichText } from "./rich-text.tsx";

const html = (markdown: string) => renderToStaticMarkup(createElement(RichText, { markdown }));

describe("RichText (product descriptions)", () => {
  it("renders Markdown emphasis, lists and links; links open outside the shop", () => {
    const out = html(
      "**Warm** wool.\n\n- washable\n- 2 sizes\n\n[Care guide](https://example.org/care)",
    );
    expect(out).toContain("<strong>Warm</strong>");
    expect(out).toContain("<li>washable</li>");
    expect(out).toContain('href="https://example.org/care"');
    expect(out).toContain('rel="nofollow noopener noreferrer"');
  });

  it("never renders raw HTML or script URLs from a vendor's text", () => {
    const out = html(
      '<script>alert(1)</script><img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))',
    );
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).not.toContain("javascript:");
  });
});
