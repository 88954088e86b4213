-- CreateTable
CREATE TABLE "Item" (
    "id" TEXT NOT NULL,
    "slug" VARCHAR(200) NOT NULL,
    "note" TEXT,
    "price" DECIMAL(12,2) NOT NULL,
    "counter" BIGINT NOT NULL,
    "seenAt" TIMESTAMP(6),

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);
