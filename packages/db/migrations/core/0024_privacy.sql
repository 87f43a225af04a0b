-- Privacy (GDPR): shopper names sealed like e-mail addresses, account erasure and data export
-- (docs/CONCEPTS.md "Privacy (GDPR): export and erasure"). Must match prisma/core/schema.prisma.
--
-- A user's name is sealed under the user's own data key (`name_sealed`); `name` stays plaintext
-- only on rows the key job has not sealed yet. An erased user keeps its row (orders and the ledger
-- point at it) with every personal column cleared and `erased_at` set; its erasure secret is gone
-- from the secrets store, so copies of the row elsewhere (replicas, dumps) no longer open either.
ALTER TABLE users ALTER COLUMN name DROP NOT NULL;
ALTER TABLE users ADD COLUMN name_sealed text;
ALTER TABLE users ADD COLUMN erased_at timestamptz;
ALTER TABLE users DROP CONSTRAINT users_email_present;
ALTER TABLE users ADD CONSTRAINT users_email_present CHECK (
  erased_at IS NOT NULL
  OR email IS NOT NULL
  OR (email_sealed IS NOT NULL AND email_index IS NOT NULL AND data_key IS NOT NULL)
);

-- One row per export or erasure a shopper asked for: the job's durable state (step, progress), so
-- a worker killed mid-way resumes where it stopped. At most one erasure per user.
CREATE TABLE privacy_requests (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  kind text NOT NULL CHECK (kind IN ('export', 'erasure')),
  -- queued | running | done | failed | expired
  status text NOT NULL DEFAULT 'queued',
  -- The last step that finished (erasure), or the part being gathered (export).
  step text,
  progress integer NOT NULL DEFAULT 0,
  -- Export: the file under the exports folder, and when it is deleted.
  file_name text,
  expires_at timestamptz,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX privacy_requests_user_idx ON privacy_requests (user_id, created_at DESC);
CREATE UNIQUE INDEX privacy_requests_one_erasure_key ON privacy_requests (user_id) WHERE kind = 'erasure';

-- The one change ever made to a stored order event: an erasure removes the plaintext shipping
-- address from the OrderPlaced event of an order placed before addresses were sealed. Only
-- `erase_plaintext_order_addresses` (owner's rights) can make it; the app role still has no UPDATE,
-- and the trigger lets through nothing but "the same row without its address".
CREATE FUNCTION order_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('agora.erasing_address', true) = 'on'
     AND OLD.type = 'OrderPlaced'
     AND NEW.payload = OLD.payload - 'address'
     AND (NEW.id, NEW.order_id, NEW.version, NEW.type, NEW.metadata, NEW.created_at)
         IS NOT DISTINCT FROM (OLD.id, OLD.order_id, OLD.version, OLD.type, OLD.metadata, OLD.created_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER order_events_append_only ON order_events;
CREATE TRIGGER order_events_append_only
  BEFORE UPDATE OR DELETE ON order_events
  FOR EACH ROW EXECUTE FUNCTION order_events_guard();

CREATE FUNCTION erase_plaintext_order_addresses(p_user uuid) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  n integer;
BEGIN
  PERFORM set_config('agora.erasing_address', 'on', true);
  UPDATE order_events e SET payload = e.payload - 'address'
    FROM orders o
   WHERE o.id = e.order_id AND o.user_id = p_user AND e.type = 'OrderPlaced' AND e.payload ? 'address';
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('agora.erasing_address', 'off', true);
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION erase_plaintext_order_addresses(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erase_plaintext_order_addresses(uuid) TO agora;
