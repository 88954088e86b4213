-- purge soft-deleted users: their posts and sessions go with them
DELETE FROM "User" WHERE "deletedAt" < now() - interval '1 year';
-- a table without cascading references
DELETE FROM "AuditLog" WHERE "userId" IS NULL;
-- without WHERE: every row, and the cascade
DELETE FROM "Post";
