ALTER TABLE "User" DROP COLUMN "email";
-- prisma-gate-ignore ban-drop-table: archived in #12
DROP TABLE "Old";
CREATE INDEX "User_name_idx" ON "User"("name");
