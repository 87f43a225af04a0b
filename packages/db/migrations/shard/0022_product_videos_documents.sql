-- Products carry videos and PDF documents beside their images, in the same `media` table (one
-- tenant table, one vendor-move entry, one cascade from products). A video is recorded while it is
-- still being transcoded (status 'processing') and becomes 'ready' when the transcode job
-- publishes its files, or 'failed' when the source cannot be transcoded. Images and documents are
-- written ready.
ALTER TABLE media
  ADD COLUMN status      text    NOT NULL DEFAULT 'ready',
  ADD COLUMN bytes       integer,
  ADD COLUMN poster_url  text,
  ADD COLUMN duration_ms integer,
  ADD COLUMN page_count  integer,
  ADD COLUMN file_name   text;

ALTER TABLE media
  ADD CONSTRAINT media_kind_check CHECK (kind IN ('image', 'video', 'document')),
  ADD CONSTRAINT media_status_check CHECK (status IN ('processing', 'ready', 'failed'));

CREATE INDEX media_product_id_kind_position_idx ON media (product_id, kind, position);
