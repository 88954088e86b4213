-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "location" TEXT;

-- CreateIndex
CREATE INDEX "Event_location_idx" ON "Event"("location");
