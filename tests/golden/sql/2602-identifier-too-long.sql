-- CreateIndex
CREATE INDEX "DraftSendLog_replyMemoryProcessedAt_replyMemoryAttemptCount_createdAt_idx" ON "DraftSendLog"("replyMemoryProcessedAt", "replyMemoryAttemptCount", "createdAt");

ALTER TABLE "FeedbackSourceFormbricksMapping"
    RENAME CONSTRAINT "ConnectorFormbricksMapping_connectorId_fkey" TO "FeedbackSourceFormbricksMapping_feedbackSourceId_workspaceId_fkey";

CREATE TABLE really_long_unquoted_table_name_that_keeps_going_and_going_past_the_limit (
    "id" TEXT PRIMARY KEY
);
