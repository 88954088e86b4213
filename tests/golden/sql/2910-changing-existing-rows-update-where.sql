-- a hand-written data fix on an existing table
UPDATE "User" SET "role" = 'ADMIN' WHERE "email" LIKE '%@example.com';
-- "deletedAt" was not added by ALTER TABLE here: not known to be NULL everywhere
UPDATE "User" SET "active" = false WHERE "deletedAt" IS NULL;
