-- The catalog's vocabulary: every word of every product title and description in the search read
-- model, kept by a trigger on catalog_search. Search corrects a query word it does not know to
-- the most similar known word (pg_trgm), so "cottn" finds the products whose descriptions say
-- "cotton" (titles alone were typo-tolerant through word similarity before). Words are never
-- removed: a word that no longer occurs only makes a correction find nothing.
-- Must match prisma/core/schema.prisma (drift test).
CREATE TABLE catalog_terms (
  word text PRIMARY KEY
);
CREATE INDEX catalog_terms_word_trgm_idx ON catalog_terms USING gin (word gin_trgm_ops);

CREATE FUNCTION catalog_terms_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog_terms (word)
  SELECT DISTINCT w
    FROM regexp_split_to_table(lower(NEW.title || ' ' || NEW.description), '[^[:alpha:]]+') AS w
   WHERE length(w) BETWEEN 3 AND 40
  ON CONFLICT (word) DO NOTHING;
  RETURN NEW;
END $$;

CREATE TRIGGER catalog_terms_collect
  AFTER INSERT OR UPDATE OF title, description ON catalog_search
  FOR EACH ROW EXECUTE FUNCTION catalog_terms_collect();

INSERT INTO catalog_terms (word)
SELECT DISTINCT w
  FROM catalog_search, regexp_split_to_table(lower(title || ' ' || description), '[^[:alpha:]]+') AS w
 WHERE length(w) BETWEEN 3 AND 40
ON CONFLICT (word) DO NOTHING;
