import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import type { CreateReviewInput } from "./reviews.schema.ts";

/**
 * Order statuses that count as "bought": the order was confirmed (payment authorized, stock
 * reserved) and not cancelled afterwards. Anything the saga adds later (shipped, delivered) counts too.
 */
const NOT_PURCHASED = [
  "PENDING",
  "STOCK_RESERVED",
  "PAYMENT_AUTHORIZED",
  "COMPENSATING",
  "FAILED",
  "CANCELLED",
];

export class DuplicateReviewError extends Error {
  readonly code = "DUPLICATE_REVIEW";
  constructor() {
    super("you have already reviewed this product");
    this.name = "DuplicateReviewError";
  }
}

export async function createReview(
  userId: string,
  input: CreateReviewInput,
): Promise<{ id: string; verifiedPurchase: boolean }> {
  const db = core().primary;
  const product = await db.catalogSearch.findUnique({
    where: { productId: input.productId },
    select: { productId: true },
  });
  if (!product) throw new TRPCError({ code: "NOT_FOUND", message: "no such product" });
  const bought = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM orders
     WHERE user_id = $1::uuid AND NOT (status = ANY($2::text[]))
       AND items @> jsonb_build_array(jsonb_build_object('productId', $3::text))`,
    userId,
    NOT_PURCHASED,
    input.productId,
  );
  const verifiedPurchase = (bought[0]?.n ?? 0) > 0;
  // The unique (product_id, user_id) key decides races between two submits of one shopper.
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO reviews (product_id, user_id, rating, title, body, verified_purchase)
     VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6)
     ON CONFLICT (product_id, user_id) DO NOTHING RETURNING id::text`,
    input.productId,
    userId,
    input.rating,
    input.title,
    input.body,
    verifiedPurchase,
  );
  const row = rows[0];
  if (!row) {
    const err = new DuplicateReviewError();
    throw new TRPCError({ code: "CONFLICT", message: err.message, cause: err });
  }
  return { id: row.id, verifiedPurchase };
}
