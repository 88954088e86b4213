-- AlterEnum
ALTER TYPE "Plan" ADD VALUE 'TEAM';

-- a text column: no enum value is used
INSERT INTO "AuditLog" ("id", "action") VALUES ('a1', 'TEAM');

-- the enum column: fails
UPDATE "Account" SET "plan" = 'TEAM' WHERE "note" = 'TEAM';
