-- Vendor sub-order fulfilment. vendor_orders is also the stock reservation record: its `status`
-- stays the reservation's (RESERVED / COMMITTED / RELEASED / ...). Fulfilment gets its own
-- columns, projected from the core order events by the `vendor-orders` outbox consumer, which
-- only moves a row forward (projected_version) so redelivered or reordered messages change nothing.
-- Must match prisma/shard/schema.prisma (drift test).
ALTER TABLE vendor_orders
  ADD COLUMN fulfilment_status text
    CHECK (fulfilment_status IN ('AWAITING', 'ACCEPTED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
  ADD COLUMN tracking_number text,
  ADD COLUMN carrier_status text,
  ADD COLUMN shipping_cents integer NOT NULL DEFAULT 0 CHECK (shipping_cents >= 0),
  ADD COLUMN refunded_cents integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
  ADD COLUMN order_status text,
  ADD COLUMN projected_version integer NOT NULL DEFAULT 0,
  ADD COLUMN fulfilment_updated_at timestamptz;

-- The vendor's order list: newest first, optionally one fulfilment status (keyset on created_at, id).
CREATE INDEX vendor_orders_vendor_id_fulfilment_idx
  ON vendor_orders (vendor_id, fulfilment_status, created_at DESC, id DESC)
  WHERE fulfilment_status IS NOT NULL;
