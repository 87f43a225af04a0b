-- Chaos actions an operator applied from the ops console, with their undo (one row per action).
CREATE TABLE chaos_faults (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('node', 'provider', 'db-link')),
  target        text NOT NULL,
  action        text NOT NULL,
  params        jsonb NOT NULL DEFAULT '{}',
  actor_user_id uuid,
  started_at    timestamptz NOT NULL DEFAULT now(),
  undone_at     timestamptz,
  undone_by     uuid,
  undo_error    text
);
CREATE INDEX chaos_faults_active_idx ON chaos_faults (id) WHERE undone_at IS NULL;

-- Failover drills run from the console: live progress while running, the report afterwards.
CREATE TABLE drill_runs (
  id            uuid PRIMARY KEY,
  cluster       text NOT NULL,
  mode          text NOT NULL CHECK (mode IN ('kill', 'freeze')),
  status        text NOT NULL CHECK (status IN ('running', 'passed', 'failed', 'error')),
  actor_user_id uuid,
  events        jsonb NOT NULL DEFAULT '[]',
  report        jsonb,
  traffic       jsonb,
  error         text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX drill_runs_started_at_idx ON drill_runs (started_at DESC);
