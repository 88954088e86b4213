-- prisma-gate-ignore: no rule named, must not ignore everything
DROP TABLE "Everything";
