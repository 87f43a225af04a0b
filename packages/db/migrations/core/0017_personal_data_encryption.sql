-- Encryption at rest of e-mail addresses (expand phase; docs/adr/0007-envelope-encryption-of-personal-data.md).
-- Each user and each staff invitation gets its own AES-256-GCM data key, stored wrapped by the
-- `pii` transit key (`data_key`, "vault:v<N>:…"); the address is sealed with it (`email_sealed`),
-- and found by a blind index (`email_index`, HMAC-SHA256 under its own key) for sign-in and
-- sign-up uniqueness. New rows leave `email` NULL; the backfill job seals older rows and clears
-- their `email`. The plaintext column is dropped (contract) once no row holds one.
-- Must match prisma/core/schema.prisma (drift test).
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD COLUMN email_index text;
ALTER TABLE users ADD COLUMN email_sealed text;
ALTER TABLE users ADD COLUMN data_key text;
CREATE UNIQUE INDEX users_email_index_key ON users (email_index);
-- A row is either old (plaintext) or sealed, with everything a sealed row needs.
ALTER TABLE users ADD CONSTRAINT users_email_present CHECK (
  email IS NOT NULL OR (email_sealed IS NOT NULL AND email_index IS NOT NULL AND data_key IS NOT NULL)
);

ALTER TABLE staff_invitations ALTER COLUMN email DROP NOT NULL;
ALTER TABLE staff_invitations ADD COLUMN email_index text;
ALTER TABLE staff_invitations ADD COLUMN email_sealed text;
ALTER TABLE staff_invitations ADD COLUMN data_key text;
ALTER TABLE staff_invitations ADD CONSTRAINT staff_invitations_email_present CHECK (
  email IS NOT NULL OR (email_sealed IS NOT NULL AND email_index IS NOT NULL AND data_key IS NOT NULL)
);
-- At most one open invitation per shop and address, for sealed addresses too.
CREATE UNIQUE INDEX staff_invitations_open_index_key ON staff_invitations (vendor_id, email_index)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;
