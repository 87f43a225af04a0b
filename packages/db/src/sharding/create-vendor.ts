/**
 * Creating a tenant touches two clusters: the directory + tenant row in core, the local vendor
 * row on its shard. No 2PC is needed because
 *   1. core is written first and is the source of truth (vendors + shard_directory in ONE core
 *      transaction, so a vendor is never without a placement);
 *   2. the shard write is an idempotent upsert keyed by the vendor id;
 *   3. if the shard write fails, calling createVendor again with the same slug finds the existing
 *      placement and only repeats step 2. Until then the vendor merely has no catalog on its
 *      shard — nothing references the missing row, so no invariant spans the two databases.
 */
import { randomUUID } from "node:crypto";
import { core, shard, shardNames } from "../clients/registry.ts";
import { DatabaseError, UnknownShardError } from "../errors/database-errors.ts";
import { invalidateShard } from "./directory.ts";
import { chooseShard } from "./placement.ts";
import { defaultVendorRegion, shardRegions, shardsInRegion } from "../regions/shard-regions.ts";
import { setTenant } from "../tenancy/tenant-scope.ts";

export interface CreateVendorInput {
  /** Optional fixed id (the seed uses deterministic ids). */
  id?: string;
  slug: string;
  name: string;
  status?: "pending" | "active" | "suspended";
  /** Pin the placement instead of applying the policy (operators, tests). Ignored if the vendor exists. */
  shard?: string;
  /**
   * The vendor's home region: it is placed on a shard whose primary runs there (data locality,
   * docs/adr/0010); `NoShardInRegionError` if none does. Default: the core region. A pinned
   * `shard` decides the region instead.
   */
  homeRegion?: string;
}

export interface CreatedVendor {
  id: string;
  slug: string;
  name: string;
  status: string;
  shard: string;
  epoch: number;
  /** The region of its shard, recorded in core (`vendors.home_region`). */
  homeRegion: string;
  /** False when the vendor already existed (same slug): the call was a no-op apart from re-syncing the shard row. */
  created: boolean;
}

export class VendorConflictError extends DatabaseError {
  constructor(slug: string, existingId: string, requestedId: string) {
    super(
      "VENDOR_CONFLICT",
      `vendor slug "${slug}" already belongs to ${existingId}, not ${requestedId}`,
    );
  }
}

/** Arbitrary constant: serialises placement decisions so two new vendors see each other's counts. */
const PLACEMENT_LOCK_KEY = 4_242_101;

export async function createVendor(input: CreateVendorInput): Promise<CreatedVendor> {
  const shards = shardNames();
  if (input.shard !== undefined && !shards.includes(input.shard))
    throw new UnknownShardError(input.shard, shards);
  const regions = shardRegions(shards);
  // Checked before the transaction: a region without shards is the caller's error, not a retry.
  const candidates =
    input.shard !== undefined
      ? [input.shard]
      : shardsInRegion(input.homeRegion ?? defaultVendorRegion(), regions);
  const placed = await core().primary.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock($1)", PLACEMENT_LOCK_KEY);
    const existing = await tx.vendor.findUnique({
      where: { slug: input.slug },
      include: { shard: true },
    });
    if (existing) {
      if (input.id && input.id !== existing.id)
        throw new VendorConflictError(input.slug, existing.id, input.id);
      if (existing.shard)
        return {
          vendor: existing,
          shard: existing.shard.shard,
          epoch: existing.shard.epoch,
          created: false,
        };
    }
    const counts = await tx.shardDirectory.groupBy({ by: ["shard"], _count: { _all: true } });
    const target =
      input.shard ??
      chooseShard(Object.fromEntries(counts.map((c) => [c.shard, c._count._all])), candidates);
    const homeRegion = regions[target] ?? defaultVendorRegion();
    const vendor =
      existing ??
      (await tx.vendor.create({
        data: {
          id: input.id ?? randomUUID(),
          slug: input.slug,
          name: input.name,
          status: input.status ?? "active",
          homeRegion,
        },
      }));
    const dir = await tx.shardDirectory.create({ data: { vendorId: vendor.id, shard: target } });
    return { vendor, shard: dir.shard, epoch: dir.epoch, created: existing === null };
  });
  const { vendor } = placed;
  // The shard copy is the tenant's own row: written under its tenant scope (row-level security).
  await shard(placed.shard).primary.$transaction(async (tx) => {
    await setTenant(tx, vendor.id);
    await tx.vendor.upsert({
      where: { id: vendor.id },
      create: { id: vendor.id, slug: vendor.slug, name: vendor.name, status: vendor.status },
      update: { slug: vendor.slug, name: vendor.name, status: vendor.status },
    });
  });
  invalidateShard(vendor.id);
  return {
    id: vendor.id,
    slug: vendor.slug,
    name: vendor.name,
    status: vendor.status,
    shard: placed.shard,
    epoch: placed.epoch,
    homeRegion: vendor.homeRegion,
    created: placed.created,
  };
}
