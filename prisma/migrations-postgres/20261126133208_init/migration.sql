-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
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
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "domain" TEXT NOT NULL,
    "brazeEndpoint" TEXT,
    "brazeApiKeyEncrypted" TEXT,
    "brazeApiKeyLast4" TEXT,
    "connectedAt" TIMESTAMP(3),
    "connectionStatus" TEXT NOT NULL DEFAULT 'disconnected',
    "connectionError" TEXT,
    "identifyByCustomerId" BOOLEAN NOT NULL DEFAULT true,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "okendoWebhookId" TEXT NOT NULL,
    "okendoSecretEncrypted" TEXT,
    "previousSecretEncrypted" TEXT,
    "previousSecretExpiresAt" TIMESTAMP(3),
    "okendoProvidedSecretEncrypted" TEXT,
    "deliveryLeaseOwner" TEXT,
    "deliveryLeaseUntil" TIMESTAMP(3),
    "lastTurnAt" TIMESTAMP(3),
    "rateLimitedUntil" TIMESTAMP(3),
    "lastDeliveredAt" TIMESTAMP(3),

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "note" TEXT,

    CONSTRAINT "InboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" SERIAL NOT NULL,
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
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firstAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "brazeResponse" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopifyCustomer" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "email" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyCustomer_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "CustomerState" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "reviewStats" TEXT,
    "loyaltyTier" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerState_pkey" PRIMARY KEY ("shop","customerKey")
);

-- CreateTable
CREATE TABLE "ShopifyWebhookReceipt" (
    "eventId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShopifyWebhookReceipt_pkey" PRIMARY KEY ("eventId")
);

-- CreateTable
CREATE TABLE "PrivacyRequest" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "PrivacyRequest_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_inboundId_fkey" FOREIGN KEY ("inboundId") REFERENCES "InboundMessage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

