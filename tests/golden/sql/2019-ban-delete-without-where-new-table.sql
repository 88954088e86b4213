-- CreateTable
CREATE TABLE "Setting" (
    "id" TEXT NOT NULL,
    "value" TEXT,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("id")
);

-- DML on a table created in this migration touches only rows added here: no finding
INSERT INTO "Setting" ("id", "value") VALUES ('theme', 'dark');
UPDATE "Setting" SET "value" = lower("value");
DELETE FROM "Setting";

-- a trigger function's UPDATE runs later, not during the migration: no finding
CREATE FUNCTION touch_all() RETURNS trigger AS $$
BEGIN
    UPDATE "Audit" SET "touched" = now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
