TRUNCATE TABLE "Organization", "Invite" CASCADE;
