import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeAll, withTenant } from "@agora/db";
import { expect, test } from "@playwright/test";
import { testPdf, testVideo } from "../apps/workers/src/media-transcode/test-media.ts";
import { cdnInstanceOrigin, cdnOrigin, signInToPortal, vendorAt } from "./support/portal.ts";

const scratch = mkdtempSync(join(tmpdir(), "agora-e2e-files-"));

test.afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await closeAll();
});

test("an owner uploads a video and a PDF with progress; the shop plays the transcoded video from the CDN with its poster and lists the manual", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const vendor = await vendorAt(2);
  const product = await withTenant(vendor.id, (tx) =>
    tx.product.findFirstOrThrow({ where: { vendorId: vendor.id }, orderBy: { title: "asc" } }),
  );
  await signInToPortal(page, vendor.owner, `/products/${product.id}`);
  await expect(page.getByRole("heading", { name: "Videos and documents" })).toBeVisible({
    timeout: 30_000,
  });

  await page.getByLabel("Upload a video").setInputFiles({
    name: "unboxing.mp4",
    mimeType: "video/mp4",
    buffer: testVideo(scratch, "unboxing.mp4", { seconds: 3 }),
  });
  await expect(
    page.getByRole("status").filter({ hasText: "unboxing.mp4 uploaded; transcoding" }),
  ).toBeVisible({
    timeout: 60_000,
  });
  // Transcoded on the imports pool (progress shown meanwhile), then playable from the CDN.
  const videos = page.getByRole("list", { name: "Videos" });
  const item = videos.getByRole("listitem").filter({ hasText: "unboxing.mp4" });
  await expect(item).toContainText("ready", { timeout: 120_000 });
  const portalVideo = item.locator("video");
  expect(await portalVideo.getAttribute("src")).toMatch(new RegExp(`^${cdnOrigin()}/`));
  expect(await portalVideo.getAttribute("poster")).toMatch(new RegExp(`^${cdnOrigin()}/`));

  await page.getByLabel("Upload a PDF").setInputFiles({
    name: "manual.pdf",
    mimeType: "application/pdf",
    buffer: testPdf(3),
  });
  await expect(page.getByRole("status").filter({ hasText: "manual.pdf added." })).toBeVisible({
    timeout: 60_000,
  });

  // The shop's product page (behind the gateway; its cached copy expires) plays it from the edge.
  const video = page.getByRole("region", { name: "Videos" }).locator("video");
  await expect(async () => {
    await page.goto(`/p/${product.id}`);
    await expect(video).toHaveCount(1, { timeout: 3_000 });
  }).toPass({ timeout: 90_000 });
  const src = await video.locator("source").getAttribute("src");
  expect(src).toMatch(new RegExp(`^${cdnOrigin()}/`));
  // Chromium builds without proprietary codecs cannot decode H.264, so the player is judged by
  // what it is given: the poster image from the edge, and the MP4 served in ranges.
  const poster = await video.getAttribute("poster");
  expect(poster).toMatch(new RegExp(`^${cdnOrigin()}/`));
  const posterRes = await page.request.get(poster!);
  expect(posterRes.status()).toBe(200);
  expect(posterRes.headers()["content-type"]).toMatch(/^image\//);
  // A range request, as a player sends it: 206 from the edge, the second time from its cache (asked
  // of one edge instance by its own address: the shared port reaches either, each with its cache).
  const range = { headers: { range: "bytes=0-1023" } };
  const atOneEdge = src!.replace(cdnOrigin(), cdnInstanceOrigin(0));
  expect((await page.request.get(src!, range)).status()).toBe(206);
  const first = await page.request.get(atOneEdge, range);
  expect(first.status()).toBe(206);
  const second = await page.request.get(atOneEdge, range);
  expect(second.status()).toBe(206);
  expect(second.headers()["x-cache"]).toBe("HIT");
  await expect(
    page.getByRole("region", { name: "Documents" }).getByRole("link", { name: /manual\.pdf/ }),
  ).toBeVisible();
});
