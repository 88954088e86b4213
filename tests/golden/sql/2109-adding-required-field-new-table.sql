-- CreateTable
CREATE TABLE "Profile" (
    "id" TEXT NOT NULL,
    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- a table created in this migration is empty: no finding
ALTER TABLE "Profile" ADD COLUMN     "userId" TEXT NOT NULL;
