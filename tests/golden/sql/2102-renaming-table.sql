-- Rename table from "Team" to "Organization"
ALTER TABLE "Team" RENAME TO "Organization";
ALTER TABLE "Organization" RENAME CONSTRAINT "Team_pkey" TO "Organization_pkey";
