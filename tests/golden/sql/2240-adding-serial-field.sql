-- AlterTable: Prisma renders @default(autoincrement()) as SERIAL
ALTER TABLE "Order" ADD COLUMN     "number" SERIAL NOT NULL;
