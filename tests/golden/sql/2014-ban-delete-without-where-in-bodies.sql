-- a trigger function's DELETE runs later, per row, not during the migration: no finding
CREATE OR REPLACE FUNCTION purge_children() RETURNS trigger AS $$
BEGIN
    DELETE FROM "Child";
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

-- a DO block runs now: fires
DO $$
BEGIN
    DELETE FROM "Cache";
END
$$;
