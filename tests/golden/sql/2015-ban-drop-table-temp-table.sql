-- CreateTable
CREATE TEMP TABLE "BookingLinkMigration" (
    "bookingLinkId" TEXT NOT NULL,
    "scheduleId" TEXT NOT NULL
);

INSERT INTO "BookingLinkMigration" ("bookingLinkId", "scheduleId")
SELECT id, gen_random_uuid()::text FROM "BookingLink";

-- a temporary table created in this migration: no finding
DROP TABLE "BookingLinkMigration";
