-- CASCADE drops the column "Entry"."mood" that uses the type
DROP TYPE "Mood" CASCADE;
