-- CreateTable
CREATE TABLE "Counter" ("id" INTEGER NOT NULL, "n" INTEGER NOT NULL DEFAULT 0);
INSERT INTO "Counter" ("id") SELECT 1;
UPDATE "Counter" SET "n" = 1 WHERE "id" = 1;
DELETE FROM "Counter" WHERE "id" = 2;

-- runs when called, not during the migration
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Stats" SET "posts" = "posts" + 1 WHERE "id" = 1;
  DELETE FROM "Stats" WHERE "id" = 0;
  RETURN NEW;
END;
$$;
