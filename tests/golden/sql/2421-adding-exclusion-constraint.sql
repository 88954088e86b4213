CREATE EXTENSION IF NOT EXISTS btree_gist;

-- on an existing table: blocks it
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_no_overlap" EXCLUDE USING gist (
    "emailAccountId" WITH =,
    tsrange("startTime", "endTime", '[)') WITH &&
) WHERE ("status" IN ('PENDING', 'CONFIRMED'));

-- on a table created in this file: fine
CREATE TABLE "Room" ("id" TEXT PRIMARY KEY, "during" TSTZRANGE);
ALTER TABLE "Room" ADD CONSTRAINT "Room_no_overlap" EXCLUDE USING gist ("id" WITH =, "during" WITH &&);
