-- CreateTable
CREATE TABLE "Item" (
    "id" TEXT NOT NULL,
    "title" VARCHAR(191) NOT NULL,
    "slug" VARCHAR(100) NOT NULL,
    "code" VARCHAR(50),
    "note" TEXT,
    "price" DECIMAL(10,2) NOT NULL,
    "weight" DECIMAL(8,3),
    "seenAt" TIMESTAMP(3),
    "doneAt" TIMESTAMPTZ(3),
    "net" CIDR,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);
