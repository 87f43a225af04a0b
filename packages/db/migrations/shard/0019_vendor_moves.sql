-- Online vendor moves between shards (packages/db/src/sharding/vendor-move/, docs/adr/0006).
-- Must match prisma/shard/schema.prisma (drift test).
--
-- A move copies a vendor's rows to the target shard while the vendor keeps working, journals the
-- rows written meanwhile, fences writes for the last catch-up, flips the directory and leaves a
-- tombstone. Every writer honours the fence because the database enforces it: a trigger on every
-- tenant table checks the vendor's move state, so no code path can forget it.

-- One row per vendor being moved into or out of this shard; no row: the vendor is at rest here.
--   copying  — source, copy running: writes go on and are journaled in vendor_move_changes
--   fenced   — source, final catch-up: writes refused (SQLSTATE AG001, the writer retries)
--   moved    — source, tombstone after the flip: writes refused forever (a stale router retries)
--   incoming — target before the flip: only the mover writes
CREATE TABLE vendor_move_state (
  vendor_id  uuid PRIMARY KEY,
  move_id    uuid NOT NULL,
  state      text NOT NULL CHECK (state IN ('copying', 'fenced', 'moved', 'incoming')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The keys of rows written while a vendor is copied; the catch-up re-reads each from the source.
CREATE TABLE vendor_move_changes (
  id         bigserial PRIMARY KEY,
  move_id    uuid NOT NULL,
  table_name text NOT NULL,
  row_key    jsonb NOT NULL
);
CREATE INDEX vendor_move_changes_move_id_id_idx ON vendor_move_changes (move_id, id);

-- TG_ARGV[0]: the tenant column (vendor_id, or id on vendors); TG_ARGV[1..]: the primary key.
CREATE FUNCTION agora_vendor_move_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v uuid;
  s vendor_move_state%ROWTYPE;
  k jsonb := '{}';
  old_k jsonb := '{}';
  i int;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  v := (to_jsonb(r) ->> TG_ARGV[0])::uuid;
  -- Shared per vendor until this transaction ends; the mover takes it exclusively to change a
  -- state, so it waits for every writer already past this point, and every later writer reads
  -- the new state (a volatile function's statements see what committed before they started).
  PERFORM pg_advisory_xact_lock_shared(4242, hashtext(v::text));
  SELECT * INTO s FROM vendor_move_state WHERE vendor_id = v;
  IF NOT FOUND OR coalesce(current_setting('agora.vendor_mover', true), '') = 'on' THEN
    RETURN r;
  END IF;
  IF s.state <> 'copying' THEN
    RAISE EXCEPTION 'vendor % is moving between shards (%); retry shortly', v, s.state
      USING ERRCODE = 'AG001';
  END IF;
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    k := k || jsonb_build_object(TG_ARGV[i], to_jsonb(r) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO vendor_move_changes (move_id, table_name, row_key) VALUES (s.move_id, TG_TABLE_NAME, k);
  IF TG_OP = 'UPDATE' THEN
    FOR i IN 1 .. TG_NARGS - 1 LOOP
      old_k := old_k || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
    END LOOP;
    -- A changed key leaves the old key behind: the catch-up finds it gone and deletes it.
    IF old_k <> k THEN
      INSERT INTO vendor_move_changes (move_id, table_name, row_key)
        VALUES (s.move_id, TG_TABLE_NAME, old_k);
    END IF;
  END IF;
  RETURN r;
END $$;

-- BEFORE … FOR EACH ROW: a refusal aborts the writer's statement before the row is written.
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON vendors
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON product_variants
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON media
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON warehouses
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON stock_levels
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON stock_movements
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON vendor_orders
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON vendor_payouts
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'id');
CREATE TRIGGER vendor_move_guard BEFORE INSERT OR UPDATE OR DELETE ON processed_messages
  FOR EACH ROW EXECUTE FUNCTION agora_vendor_move_guard('vendor_id', 'consumer', 'message_id');

-- A movement's id is unique per vendor, not per shard: a moved vendor keeps its movement ids on
-- the target, whose own sequence may already have handed the same numbers to other vendors.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_pkey;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_pkey PRIMARY KEY (vendor_id, id);
DROP INDEX stock_movements_vendor_id_id_idx;

-- The app role may not delete stock movements or payouts (append-only), so a vendor's rows are
-- removed by this function, and only where the vendor is a tombstone (it moved away) or an
-- unfinished arrival (a move rolled back). The arrival's state row goes with its rows.
CREATE FUNCTION agora_purge_moved_vendor(v uuid) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  n bigint := 0;
  c bigint;
  st text;
BEGIN
  SELECT state INTO st FROM vendor_move_state WHERE vendor_id = v;
  IF st IS NULL OR st NOT IN ('moved', 'incoming') THEN
    RAISE EXCEPTION 'vendor % has neither left nor half-arrived on this shard', v
      USING ERRCODE = 'AG002';
  END IF;
  PERFORM set_config('agora.vendor_mover', 'on', true);
  PERFORM set_config('agora.scope', 'platform', true);
  DELETE FROM processed_messages WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM vendor_payouts WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM vendor_orders WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM stock_movements WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM stock_levels WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM media WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM product_variants WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM products WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM warehouses WHERE vendor_id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  DELETE FROM outbox WHERE vendor_id = v AND published_at IS NOT NULL;
  DELETE FROM vendors WHERE id = v; GET DIAGNOSTICS c = ROW_COUNT; n := n + c;
  IF st = 'incoming' THEN
    DELETE FROM vendor_move_state WHERE vendor_id = v;
  END IF;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION agora_purge_moved_vendor(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agora_purge_moved_vendor(uuid) TO agora;
