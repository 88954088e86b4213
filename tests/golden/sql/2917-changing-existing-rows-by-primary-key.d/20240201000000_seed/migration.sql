-- AlterTable
ALTER TABLE "models" ADD COLUMN "provider" TEXT;

-- rows named by primary key: bounded, quiet (also under the ADD COLUMN's lock)
UPDATE "models" SET "provider" = 'openai' WHERE "id" = 'clx1';
UPDATE models SET name = 'gpt-4o' WHERE id IN ('clx2', 'clx3');
-- not by key: data-dependent
UPDATE "models" SET "provider" = 'openai' WHERE "name" LIKE 'gpt-%';
-- deletes by key stay findings: medium, high when a cascade reaches other tables
DELETE FROM "prices" WHERE "id" = 'p1';
DELETE FROM "models" WHERE "id" IN ('clx4', 'clx5');
