-- exactly 63 bytes: not truncated
CREATE INDEX "ThreadTracker_emailAccountId_type_resolved_followUpAppliedAt_i" ON "ThreadTracker"("emailAccountId");
-- a long name that is only referenced, not defined
SELECT 'ThreadTracker_emailAccountId_type_resolved_followUpAppliedAt_id_and_more' AS "note";
