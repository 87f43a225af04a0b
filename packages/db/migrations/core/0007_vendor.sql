-- Vendor portal: tenant-aware audit trail and bulk import jobs.
-- Must match prisma/core/schema.prisma (drift test).

-- Who did what in which tenant, with the row before and after (null for creations/deletions).
ALTER TABLE audit_log ADD COLUMN vendor_id uuid;
ALTER TABLE audit_log ADD COLUMN before jsonb;
ALTER TABLE audit_log ADD COLUMN after jsonb;
CREATE INDEX audit_log_vendor_id_id_idx ON audit_log (vendor_id, id DESC);

-- One row per uploaded CSV; the imports worker moves it through queued → running → done | failed.
-- (vendor_id, file_hash) unique: uploading the same file again reuses the job (idempotent re-run).
CREATE TABLE import_jobs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id     uuid NOT NULL REFERENCES vendors (id),
  actor_user_id uuid,
  file_name     text NOT NULL,
  file_hash     text NOT NULL,
  file_path     text NOT NULL,
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  total_rows    integer NOT NULL DEFAULT 0,
  processed_rows integer NOT NULL DEFAULT 0,
  error_rows    integer NOT NULL DEFAULT 0,
  -- Row-level validation errors: [{ line, field, message }], served as a CSV download.
  errors        jsonb NOT NULL DEFAULT '[]',
  failure       text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT import_jobs_vendor_id_file_hash_key UNIQUE (vendor_id, file_hash)
);
CREATE INDEX import_jobs_vendor_id_created_at_idx ON import_jobs (vendor_id, created_at DESC);
