BEGIN;
ALTER TABLE prompts
ADD COLUMN json_prompt JSONB;

-- backfill of a column added above: a whole-table write, not data loss
UPDATE prompts
SET json_prompt = to_json(prompt::text)::json;

COMMIT;
