-- AlterTable: a volatile default is evaluated for every existing row
ALTER TABLE "EmailAccount" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid();

-- AlterTable: constant and stable defaults are metadata-only (PG11+): no finding
ALTER TABLE "EmailAccount" ADD COLUMN     "enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "seenAt" TIMESTAMPTZ NOT NULL DEFAULT now(),
ADD COLUMN     "labels" TEXT[] DEFAULT ARRAY[]::TEXT[];
