-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "brazeEndpoint" TEXT,
    "brazeApiKeyEncrypted" TEXT,
    "brazeApiKeyLast4" TEXT,
    "connectedAt" DATETIME,
    "connectionStatus" TEXT NOT NULL DEFAULT 'disconnected',
    "connectionError" TEXT,
    "identifyByCustomerId" BOOLEAN NOT NULL DEFAULT true,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "okendoWebhookId" TEXT NOT NULL,
    "okendoSecretEncrypted" TEXT,
    "previousSecretEncrypted" TEXT,
    "previousSecretExpiresAt" DATETIME,
    "okendoProvidedSecretEncrypted" TEXT,
    "deliveryLeaseOwner" TEXT,
    "deliveryLeaseUntil" DATETIME,
    "lastTurnAt" DATETIME,
    "rateLimitedUntil" DATETIME,
    "lastDeliveredAt" DATETIME
);

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "note" TEXT
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "inboundId" TEXT,
    "kind" TEXT NOT NULL,
    "eventName" TEXT,
    "identifierType" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "customerEmail" TEXT,
    "shopifyCustomerId" TEXT,
    "payload" TEXT NOT NULL,
    "note" TEXT,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firstAttemptAt" DATETIME,
    "lastError" TEXT,
    "brazeResponse" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME,
    CONSTRAINT "Delivery_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Delivery_inboundId_fkey" FOREIGN KEY ("inboundId") REFERENCES "InboundMessage" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ShopifyCustomer" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "email" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "CustomerState" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "reviewStats" TEXT,
    "loyaltyTier" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerKey")
);

-- CreateTable
CREATE TABLE "ShopifyWebhookReceipt" (
    "eventId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "PrivacyRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_okendoWebhookId_key" ON "Shop"("okendoWebhookId");

-- CreateIndex
CREATE INDEX "InboundMessage_shop_receivedAt_idx" ON "InboundMessage"("shop", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_shop_source_dedupeKey_key" ON "InboundMessage"("shop", "source", "dedupeKey");

-- CreateIndex
CREATE INDEX "Delivery_shop_status_nextAttemptAt_idx" ON "Delivery"("shop", "status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_shop_customerKey_id_idx" ON "Delivery"("shop", "customerKey", "id");

-- CreateIndex
CREATE INDEX "Delivery_shop_createdAt_idx" ON "Delivery"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "ShopifyCustomer_shop_email_idx" ON "ShopifyCustomer"("shop", "email");

-- CreateIndex
CREATE INDEX "ShopifyWebhookReceipt_shop_idx" ON "ShopifyWebhookReceipt"("shop");

-- CreateIndex
CREATE INDEX "PrivacyRequest_shop_idx" ON "PrivacyRequest"("shop");

