BEGIN;
DROP INDEX CONCURRENTLY IF EXISTS "job_executions_updated_at_idx";
COMMIT;
