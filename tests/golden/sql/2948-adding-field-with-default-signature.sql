-- volatility by signature, not by name
-- now(123) is not pg_catalog.now() (which takes no argument): a user function, volatile
ALTER TABLE "Event" ADD COLUMN "a" TIMESTAMP(3) DEFAULT now(123);
-- a function of another schema named now is a user function: volatile
ALTER TABLE "Event" ADD COLUMN "b" TIMESTAMP(3) DEFAULT "app".now();
-- a user-defined function: volatile
ALTER TABLE "Event" ADD COLUMN "c" TEXT DEFAULT slugify('x');
