-- "name" was added without a default and never filled: every row matches
UPDATE "User" SET "name" = "email" WHERE "name" IS NULL;
-- "nickname" came with the table: only some rows match
UPDATE "User" SET "nickname" = "email" WHERE "nickname" IS NULL;
-- "plan" was added with a default: no row is NULL
UPDATE "User" SET "plan" = 'free' WHERE "plan" IS NULL;
-- "legacy": every row is NULL, so this deletes the whole table
DELETE FROM "User" WHERE "legacy" IS NULL;
