-- DropIndex
DROP INDEX "ShopifyWebhookReceipt_shop_idx";

-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN "topic" TEXT;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "deliveryPausedReason" TEXT,
ADD COLUMN     "deliveryPausedUntil" TIMESTAMP(3),
ADD COLUMN     "uninstalledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ShopifyWebhookReceipt" DROP CONSTRAINT "ShopifyWebhookReceipt_pkey",
ADD CONSTRAINT "ShopifyWebhookReceipt_pkey" PRIMARY KEY ("shop", "eventId");

-- CreateTable
CREATE TABLE "CustomerReviewSentiment" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "sentiment" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastReview" INTEGER NOT NULL,

    CONSTRAINT "CustomerReviewSentiment_pkey" PRIMARY KEY ("shop","customerKey","sentiment")
);

-- CreateTable
CREATE TABLE "KnownReview" (
    "shop" TEXT NOT NULL,
    "reviewId" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KnownReview_pkey" PRIMARY KEY ("shop","reviewId")
);

-- AlterTable (data: the JSON review stats become columns and sentiment rows, then the JSON column goes)
ALTER TABLE "CustomerState" ADD COLUMN     "reviewCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reviewRatingSum" DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE "CustomerState"
SET "reviewCount" = COALESCE(("reviewStats"::json->>'count')::int, 0),
    "reviewRatingSum" = COALESCE(("reviewStats"::json->>'ratingSum')::double precision, 0)
WHERE "reviewStats" IS NOT NULL;
INSERT INTO "CustomerReviewSentiment" ("shop", "customerKey", "sentiment", "count", "lastReview")
SELECT c."shop", c."customerKey", s.key, (s.value->>'count')::int, (s.value->>'lastSeen')::int
FROM "CustomerState" c, json_each(c."reviewStats"::json->'sentiments') s
WHERE c."reviewStats" IS NOT NULL;
ALTER TABLE "CustomerState" DROP COLUMN "reviewStats";
