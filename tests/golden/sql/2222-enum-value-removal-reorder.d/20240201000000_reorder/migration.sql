-- AlterEnum: reorder MonitorSeverity so DESC sorts most-critical first
BEGIN;
CREATE TYPE "MonitorSeverity_new" AS ENUM ('UNKNOWN', 'NO_DATA', 'OK', 'WARNING', 'ALERT');
ALTER TABLE "monitors" ALTER COLUMN "severity" DROP DEFAULT;
ALTER TABLE "monitors" ALTER COLUMN "severity" TYPE "MonitorSeverity_new" USING ("severity"::text::"MonitorSeverity_new");
ALTER TYPE "MonitorSeverity" RENAME TO "MonitorSeverity_old";
ALTER TYPE "MonitorSeverity_new" RENAME TO "MonitorSeverity";
DROP TYPE "MonitorSeverity_old";
ALTER TABLE "monitors" ALTER COLUMN "severity" SET DEFAULT 'UNKNOWN';
COMMIT;
