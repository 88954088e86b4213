CLUSTER "Event" USING "Event_createdAt_idx";
VACUUM (FULL, ANALYZE) "Event";
