-- café € migration
-- AlterTable
ALTER TABLE "User" DROP COLUMN "naïve";

  é 
