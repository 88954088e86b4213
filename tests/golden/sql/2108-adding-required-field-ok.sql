-- AlterTable: a constant default fills existing rows without a rewrite (PG11+): no finding
ALTER TABLE "Invite" ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'member';

-- AlterTable: stable default, nullable column: no finding
ALTER TABLE "Response" ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "note" TEXT;

-- AlterTable: a generated column fills itself: no adding-required-field
ALTER TABLE "Item" ADD COLUMN "total" INTEGER NOT NULL GENERATED ALWAYS AS ("price" * "qty") STORED;
