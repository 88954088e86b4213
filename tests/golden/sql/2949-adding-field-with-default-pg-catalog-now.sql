-- schema-qualified pg_catalog.now() is the stable builtin: no rewrite, no finding
ALTER TABLE "Event" ADD COLUMN "a" TIMESTAMP(3) DEFAULT pg_catalog.now();
ALTER TABLE "Event" ADD COLUMN "b" TIMESTAMP(3) DEFAULT now();
ALTER TABLE "Event" ADD COLUMN "c" DOUBLE PRECISION DEFAULT pi();
