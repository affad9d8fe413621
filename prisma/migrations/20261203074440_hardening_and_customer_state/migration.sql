-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN "topic" TEXT;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "deliveryPausedReason" TEXT;
ALTER TABLE "Shop" ADD COLUMN "deliveryPausedUntil" DATETIME;
ALTER TABLE "Shop" ADD COLUMN "uninstalledAt" DATETIME;

-- CreateTable
CREATE TABLE "CustomerReviewSentiment" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "sentiment" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastReview" INTEGER NOT NULL,

    PRIMARY KEY ("shop", "customerKey", "sentiment")
);

-- CreateTable
CREATE TABLE "KnownReview" (
    "shop" TEXT NOT NULL,
    "reviewId" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "reviewId")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CustomerState" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "reviewCount" INTEGER NOT NULL DEFAULT 0,
    "reviewRatingSum" REAL NOT NULL DEFAULT 0,
    "loyaltyTier" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerKey")
);
-- Data: the JSON review stats become columns and sentiment rows.
INSERT INTO "new_CustomerState" ("customerKey", "loyaltyTier", "shop", "updatedAt", "reviewCount", "reviewRatingSum")
SELECT "customerKey", "loyaltyTier", "shop", "updatedAt",
       COALESCE(json_extract("reviewStats", '$.count'), 0), COALESCE(json_extract("reviewStats", '$.ratingSum'), 0)
FROM "CustomerState";
INSERT INTO "CustomerReviewSentiment" ("shop", "customerKey", "sentiment", "count", "lastReview")
SELECT c."shop", c."customerKey", s.key, json_extract(s.value, '$.count'), json_extract(s.value, '$.lastSeen')
FROM "CustomerState" c, json_each(c."reviewStats", '$.sentiments') s
WHERE c."reviewStats" IS NOT NULL;
DROP TABLE "CustomerState";
ALTER TABLE "new_CustomerState" RENAME TO "CustomerState";
CREATE TABLE "new_ShopifyWebhookReceipt" (
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "eventId")
);
INSERT INTO "new_ShopifyWebhookReceipt" ("eventId", "receivedAt", "shop", "topic") SELECT "eventId", "receivedAt", "shop", "topic" FROM "ShopifyWebhookReceipt";
DROP TABLE "ShopifyWebhookReceipt";
ALTER TABLE "new_ShopifyWebhookReceipt" RENAME TO "ShopifyWebhookReceipt";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

