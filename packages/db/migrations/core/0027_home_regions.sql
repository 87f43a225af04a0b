-- Home regions (docs/adr/0010 "Data locality"; docs/CONCEPTS.md "Data locality"). Expand only
-- (docs/adr/0008): two columns with a constant default, so the running release keeps inserting
-- users and vendors without naming them and reads nothing new; Postgres adds a column with a
-- constant default without rewriting the table. Must match prisma/core/schema.prisma.
--
-- users.home_region: the region that served the shopper's sign-up (the storefront's AGORA_REGION);
-- rows from before this migration are eu's, the only region there was.
-- vendors.home_region: the region of the shard the vendor was placed on (AGORA_SHARD_REGIONS);
-- a vendor is only ever placed on a shard of its home region.
ALTER TABLE users ADD COLUMN IF NOT EXISTS home_region text NOT NULL DEFAULT 'eu';
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS home_region text NOT NULL DEFAULT 'eu';

-- NOT VALID first (no scan under the ALTER's lock), then validated under a lock writes pass.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_home_region_check;
ALTER TABLE users ADD CONSTRAINT users_home_region_check CHECK (home_region ~ '^[a-z0-9-]{1,32}$') NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_home_region_check;
ALTER TABLE vendors DROP CONSTRAINT IF EXISTS vendors_home_region_check;
ALTER TABLE vendors ADD CONSTRAINT vendors_home_region_check CHECK (home_region ~ '^[a-z0-9-]{1,32}$') NOT VALID;
ALTER TABLE vendors VALIDATE CONSTRAINT vendors_home_region_check;
