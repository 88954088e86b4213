-- CreateEnum
CREATE TYPE "WebhookSource" AS ENUM ('user', 'zapier', 'legacy');

-- CreateTable
CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL,
    "source" "WebhookSource" NOT NULL DEFAULT 'user',

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);
