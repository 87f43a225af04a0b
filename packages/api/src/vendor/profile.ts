import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";

export interface VendorProfile {
  id: string;
  slug: string;
  name: string;
  status: string;
  shard: string | null;
}

export async function vendorProfile(vendorId: string): Promise<VendorProfile> {
  // A header line tolerates replica lag; a vendor renamed a second ago shows the old name once.
  const { value } = await core().read({ level: "eventual" }, (db) =>
    db.vendor.findUnique({
      where: { id: vendorId },
      select: {
        id: true,
        slug: true,
        name: true,
        status: true,
        shard: { select: { shard: true } },
      },
    }),
  );
  if (!value)
    throw new TRPCError({ code: "NOT_FOUND", message: "Your vendor account no longer exists." });
  return { ...value, shard: value.shard?.shard ?? null };
}
