/**
 * The portal's upload route handlers (CSV import, product image) with an owner's session, against
 * what the security review sent them: a JSON body to the import (was a 500), bodies far over the
 * limit without a Content-Length (were read whole before the size check), and a cross-site POST.
 */
import { randomUUID } from "node:crypto";
import { closeApiRedis } from "@agora/api/cache";
import { MAX_IMPORT_BYTES } from "@agora/api/vendor-imports";
import { authOptions, verifyCredentials } from "@agora/auth";
import { closeAll, core, createVendor, hashPassword } from "@agora/db";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Route handlers import server-only modules; outside Next's react-server build that guard throws.
vi.mock("server-only", () => ({}));

const { POST: importPost } = await import("../../app/api/imports/route.ts");
const { POST: mediaPost } = await import("../../app/api/products/[id]/media/route.ts");
const { authConfig } = await import("../auth/config.ts");

const run = randomUUID().slice(0, 8);
const ORIGIN = "http://127.0.0.1:3000";
const CHUNK = 64 * 1024;
let cookie: string;

beforeAll(async () => {
  const shop = await createVendor({
    slug: `uploads-${run}`,
    name: "Upload shop",
    shard: "shard-1",
  });
  const email = `owner-${run}@uploads.test`;
  const { id } = await core().primary.user.create({
    data: { email, name: "Owner", passwordHash: await hashPassword("upload route test") },
  });
  await core().primary.userRole.create({
    data: { userId: id, roleName: "vendor_owner", vendorId: shop.id },
  });
  const config = authConfig();
  const signedIn = await verifyCredentials({ email, password: "upload route test" });
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

/** A multipart body of `totalBytes` streamed in 64 KB chunks, no Content-Length; counts the pulls. */
function streamedUpload(url: string, totalBytes: number) {
  const boundary = "agora-test-boundary";
  let sent = 0;
  let pulled = 0;
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (sent === 0) controller.enqueue(head);
      if (sent >= totalBytes) {
        controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
      sent += CHUNK;
    },
  });
  // Node needs `duplex` for a streamed request body; the DOM typings do not know it yet.
  const init: RequestInit & { duplex: "half" } = {
    method: "POST",
    headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: "half",
  };
  const req = new Request(url, init);
  return { req, pulledBytes: () => pulled * CHUNK };
}

const params = { params: Promise.resolve({ id: randomUUID() }) };

describe("upload route handlers", () => {
  it("answers an import that is not multipart/form-data with 415, not a 500", async () => {
    const res = await importPost(
      new Request(`${ORIGIN}/api/imports`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ file: "sku,name" }),
      }),
    );
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toMatch(/multipart\/form-data/);
  });

  it("stops reading an import body as soon as it passes the limit, and answers 413", async () => {
    const upload = streamedUpload(`${ORIGIN}/api/imports`, 3 * MAX_IMPORT_BYTES);
    const res = await importPost(upload.req);
    expect(res.status).toBe(413);
    expect(upload.pulledBytes()).toBeLessThan(MAX_IMPORT_BYTES + 1024 * 1024);
  });

  it("stops reading an image upload as soon as it passes the limit, and answers 413", async () => {
    const upload = streamedUpload(`${ORIGIN}/api/products/x/media`, 64 * 1024 * 1024);
    const res = await mediaPost(upload.req, params);
    expect(res.status).toBe(413);
    expect(upload.pulledBytes()).toBeLessThan(16 * 1024 * 1024);
  });

  it("answers an image upload that is not multipart/form-data with 415", async () => {
    const res = await mediaPost(
      new Request(`${ORIGIN}/api/products/x/media`, {
        method: "POST",
        headers: { cookie, "content-type": "image/png" },
        body: new Uint8Array(100),
      }),
      params,
    );
    expect(res.status).toBe(415);
  });

  it("refuses a cross-site upload with 403 before reading it", async () => {
    const form = new FormData();
    form.set("file", new File(["sku,name\n"], "products.csv"));
    const res = await importPost(
      new Request(`${ORIGIN}/api/imports`, {
        method: "POST",
        headers: { cookie, origin: "http://evil.example" },
        body: form,
      }),
    );
    expect(res.status).toBe(403);
  });
});
