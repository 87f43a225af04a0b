-- Which payment provider holds each payment. The payments pool routes every order to one of
-- several providers and writes the choice here BEFORE it calls that provider, so a retried step
-- (after a crash, a lost job) goes back to the same provider, or looks there first before it
-- may fail over. NULL: written before routing existed, at the card provider.
-- Must match prisma/core/schema.prisma (drift test).
ALTER TABLE payments ADD COLUMN provider text;
CREATE INDEX payments_provider_status_idx ON payments (provider, status);
