import { openUserName } from "@agora/secrets";
import { core } from "@agora/db";

export interface ReviewView {
  id: string;
  rating: number;
  title: string;
  body: string;
  verifiedPurchase: boolean;
  authorName: string;
  createdAt: Date;
}

export interface ProductReviews {
  reviews: ReviewView[];
  count: number;
  /** Mean rating, one decimal; null without reviews. */
  average: number | null;
}

/** Newest first. Read from the primary: a shopper must see their own review right after posting. */
export async function listReviews(productId: string): Promise<ProductReviews> {
  const rows = await core().primary.review.findMany({
    where: { productId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 100,
    select: {
      id: true,
      rating: true,
      title: true,
      body: true,
      verifiedPurchase: true,
      createdAt: true,
      user: { select: { id: true, name: true, nameSealed: true, dataKey: true } },
    },
  });
  const count = rows.length;
  const average =
    count === 0 ? null : Math.round((rows.reduce((s, r) => s + r.rating, 0) / count) * 10) / 10;
  return {
    // An erased reviewer's review stays, under DELETED_CUSTOMER.
    reviews: await Promise.all(rows.map(async ({ user, ...r }) => ({ ...r, authorName: await openUserName(user) }))),
    count,
    average,
  };
}
