REINDEX INDEX "Post_authorId_idx";
REINDEX (VERBOSE) TABLE "public"."Post";
