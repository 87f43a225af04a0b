-- Vendor API keys and the identity provider's signing keys (docs/CONCEPTS.md "API keys",
-- "Authentication (OIDC)"). Must match prisma/core/schema.prisma.
--
-- A key is `agk_<prefix>_<secret>`: the prefix names the row (and is the key's OAuth client id at
-- the identity provider), only a SHA-256 of the whole key is stored, so a database copy cannot be
-- used to call the API. Keys are revoked (kept for the audit trail), never deleted.
CREATE TABLE vendor_api_keys (
  id uuid PRIMARY KEY,
  vendor_id uuid NOT NULL REFERENCES vendors (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  prefix text NOT NULL UNIQUE,
  secret_hash text NOT NULL,
  scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
  -- Requests per minute this key may make (the REST API's per-key sliding window).
  rate_limit_per_minute integer NOT NULL DEFAULT 120 CHECK (rate_limit_per_minute BETWEEN 1 AND 6000),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id)
);
CREATE INDEX vendor_api_keys_vendor_id_created_at_idx ON vendor_api_keys (vendor_id, created_at DESC);

-- The identity provider's token signing keys (JWKS). A key is published before it signs: the next
-- key (activated_at NULL) is in the JWKS for a whole rotation period, so every resource server has
-- it cached when it starts signing; the active key signs; a retired key stays published until the
-- tokens it signed have expired, then is dropped. The private JWK is sealed by the secrets
-- provider (never stored in the clear).
CREATE TABLE identity_signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_jwk_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz,
  retired_at timestamptz
);
