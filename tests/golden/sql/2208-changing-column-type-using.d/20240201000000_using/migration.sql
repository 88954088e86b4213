-- a USING expression is evaluated for every row, even for a coercible change
ALTER TABLE "Task" ALTER COLUMN "ts" TYPE TEXT USING trim("ts");
