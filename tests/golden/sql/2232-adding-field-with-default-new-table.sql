-- CreateTable
CREATE TABLE "Token" (
    "id" TEXT NOT NULL,
    CONSTRAINT "Token_pkey" PRIMARY KEY ("id")
);

-- a table created in this migration is empty: no finding
ALTER TABLE "Token" ADD COLUMN "secret" UUID NOT NULL DEFAULT gen_random_uuid(),
ADD COLUMN "seq" SERIAL NOT NULL,
ADD COLUMN "big" BIGINT GENERATED ALWAYS AS IDENTITY;
