/**
 * The portal's video and document upload routes with an owner's session: every refusal is a 4xx
 * with a public message (wrong type by magic bytes, oversize before the body is read whole, not
 * multipart, an unreadable file, another shop's product), never a 500; a good PDF is a 201.
 */
import { randomUUID } from "node:crypto";
import { closeApiRedis } from "@agora/api/cache";
import { MAX_VIDEO_BYTES } from "@agora/api/vendor-media";
import { authOptions, verifyCredentials } from "@agora/auth";
import { closeAll, core, createVendor, hashPassword, withTenant } from "@agora/db";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Route handlers import server-only modules; outside Next's react-server build that guard throws.
vi.mock("server-only", () => ({}));

const { POST: videoPost } = await import("../../app/api/products/[id]/videos/route.ts");
const { POST: documentPost } = await import("../../app/api/products/[id]/documents/route.ts");
const { authConfig } = await import("../auth/config.ts");

const run = randomUUID().slice(0, 8);
const ORIGIN = "http://127.0.0.1:3000";
let cookie: string;
let productId: string;
let otherProductId: string;

async function productOf(vendorId: string, slug: string): Promise<string> {
  const cat = await core().primary.category.upsert({
    where: { slug },
    create: { slug, name: slug },
    update: {},
  });
  return withTenant(vendorId, async (tx) => {
    const p = await tx.product.create({
      data: {
        vendorId,
        categoryId: cat.id,
        categorySlug: slug,
        title: "Kettle",
        description: "",
        priceCents: 3900,
      },
      select: { id: true },
    });
    return p.id;
  });
}

beforeAll(async () => {
  const shop = await createVendor({
    slug: `file-routes-${run}`,
    name: "File routes",
    shard: "shard-1",
  });
  const other = await createVendor({
    slug: `file-routes-b-${run}`,
    name: "Other",
    shard: "shard-1",
  });
  productId = await productOf(shop.id, `file-routes-${run}`);
  otherProductId = await productOf(other.id, `file-routes-${run}`);
  const email = `owner-${run}@file-routes.test`;
  const { id } = await core().primary.user.create({
    data: { email, name: "Owner", passwordHash: await hashPassword("file route test") },
  });
  await core().primary.userRole.create({
    data: { userId: id, roleName: "vendor_owner", vendorId: shop.id },
  });
  const config = authConfig();
  const signedIn = await verifyCredentials({ email, password: "file route test" });
  const token = await authOptions(config).callbacks!.jwt!({
    token: {},
    user: signedIn!,
    account: null,
  });
  cookie = `agora-vendor-portal.session-token=${await encode({ token, secret: config.secret })}`;
});

afterAll(async () => {
  await closeApiRedis();
  await closeAll();
});

function post(route: typeof videoPost, kind: string, pid: string, body: BodyInit, type?: string) {
  const headers: Record<string, string> = { cookie };
  if (type) headers["content-type"] = type;
  return route(
    new Request(`${ORIGIN}/api/products/${pid}/${kind}`, { method: "POST", headers, body }),
    {
      params: Promise.resolve({ id: pid }),
    },
  );
}

const form = (bytes: Uint8Array<ArrayBuffer>, name: string) => {
  const f = new FormData();
  f.set("file", new File([bytes], name));
  return f;
};

async function answer(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as { error?: string }).error ?? ""];
}

describe("video and document upload routes", () => {
  it("answer wrong types with 415 whatever the file is called", async () => {
    const html = new TextEncoder().encode("<!doctype html><script>alert(1)</script>");
    expect(
      await answer(await post(videoPost, "videos", productId, form(html, "clip.mp4"))),
    ).toEqual([415, "Upload an MP4, WebM or QuickTime (.mov) video."]);
    expect(
      await answer(await post(documentPost, "documents", productId, form(html, "manual.pdf"))),
    ).toEqual([415, "Upload a PDF document."]);
  });

  it("answer an oversize video with 413 and a body that is not multipart with 415", async () => {
    const big = new Uint8Array(MAX_VIDEO_BYTES + 1);
    big.set(new TextEncoder().encode("\0\0\0\x14ftypisom"));
    const [status, error] = await answer(
      await post(videoPost, "videos", productId, form(big, "big.mp4")),
    );
    expect([status, error]).toEqual([
      413,
      `The video is larger than ${MAX_VIDEO_BYTES / 1024 / 1024} MB.`,
    ]);
    const res = await post(videoPost, "videos", productId, new Uint8Array(64), "video/mp4");
    expect(res.status).toBe(415);
  });

  it("answer an unreadable file with 422 and another shop's product with 404", async () => {
    const broken = new TextEncoder().encode("%PDF-1.4\nnothing here\n");
    expect((await post(documentPost, "documents", productId, form(broken, "a.pdf"))).status).toBe(
      422,
    );
    const fakeVideo = new Uint8Array(4096);
    fakeVideo.set(new TextEncoder().encode("\0\0\0\x14ftypisom"));
    expect((await post(videoPost, "videos", productId, form(fakeVideo, "a.mp4"))).status).toBe(422);
    const pdf = new TextEncoder().encode(
      "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    );
    expect((await post(documentPost, "documents", otherProductId, form(pdf, "a.pdf"))).status).toBe(
      404,
    );
    const created = await post(documentPost, "documents", productId, form(pdf, "Quick start.pdf"));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      pageCount: 1,
      url: expect.stringMatching(/document\.pdf$/),
    });
  });
});
