-- CreateTable
CREATE TABLE "Scratch" (
    "id" TEXT NOT NULL,

    CONSTRAINT "Scratch_pkey" PRIMARY KEY ("id")
);

-- a table created earlier in the same migration holds no data yet
DROP TABLE "Scratch";
