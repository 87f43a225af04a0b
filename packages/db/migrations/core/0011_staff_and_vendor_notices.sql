-- Vendor staff invitations, immediate session revocation and vendor notices with per-channel
-- settings. Must match prisma/core/schema.prisma (drift test).

-- Bumped whenever a user's roles change (staff removed, invitation accepted): sessions carry the
-- epoch they were issued under and are refused once it is lower than this (Redis holds a copy).
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- An owner's invitation of a staff member by e-mail. Only the SHA-256 of the single-use token is
-- stored; the link itself exists only in the e-mail.
CREATE TABLE staff_invitations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id        uuid NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  email            text NOT NULL,
  role_name        text NOT NULL REFERENCES roles (name) CHECK (role_name = 'vendor_staff'),
  token_hash       text NOT NULL UNIQUE,
  invited_by       uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at       timestamptz NOT NULL,
  accepted_at      timestamptz,
  accepted_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX staff_invitations_vendor_id_created_at_idx ON staff_invitations (vendor_id, created_at DESC);
-- At most one open invitation per shop and address (inviting again replaces it).
CREATE UNIQUE INDEX staff_invitations_open_key ON staff_invitations (vendor_id, email)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- A vendor user's choice per notice kind and channel; no row means "on" (the default).
CREATE TABLE vendor_notification_settings (
  vendor_id  uuid NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('new_order', 'low_stock', 'payout')),
  channel    text NOT NULL CHECK (channel IN ('email', 'in_app')),
  enabled    boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vendor_id, user_id, kind, channel)
);

-- Low-stock state per product, so a notice fires once per crossing below the threshold; the
-- shard outbox position orders events (an older StockChanged never flips the state back).
CREATE TABLE vendor_stock_alerts (
  vendor_id  uuid NOT NULL,
  product_id uuid NOT NULL,
  low        boolean NOT NULL,
  source     text NOT NULL,
  position   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vendor_id, product_id)
);

-- A delivery without an inbox row: an e-mail-only vendor notice (in-app switched off) or a mail to
-- someone without an account yet (a staff invitation). source_key dedupes those.
ALTER TABLE notification_deliveries ALTER COLUMN notification_id DROP NOT NULL;
ALTER TABLE notification_deliveries ADD COLUMN source_key text;
CREATE UNIQUE INDEX notification_deliveries_source_key_key ON notification_deliveries (source_key);
