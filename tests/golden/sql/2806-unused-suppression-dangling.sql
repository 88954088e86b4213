ALTER TABLE "User" DROP COLUMN "nick";
-- prisma-gate-ignore ban-drop-column: placed after the statement, so it covers nothing
