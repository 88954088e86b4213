-- CreateIndex
CREATE INDEX CONCURRENTLY IF NOT EXISTS "TaskRun_runtimeEnvironmentId_createdAt_idx" ON "public"."TaskRun" ("runtimeEnvironmentId", "createdAt" DESC);
