-- AlterTable: enum to text goes through the output function: a rewrite
ALTER TABLE "Ticket" ALTER COLUMN "status" SET DATA TYPE TEXT;

-- AlterTable: an array coercion evaluates every element: a rewrite
ALTER TABLE "Ticket" ALTER COLUMN "tags" SET DATA TYPE VARCHAR(64)[];
