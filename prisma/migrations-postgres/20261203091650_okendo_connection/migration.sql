-- CreateTable
CREATE TABLE "OkendoConnection" (
    "shop" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "apiKeyEncrypted" TEXT NOT NULL,
    "apiKeyLast4" TEXT NOT NULL,
    "apiBase" TEXT NOT NULL,
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OkendoConnection_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "OkendoSubscription" (
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "okendoSubscriptionId" TEXT NOT NULL,
    "endpointUrl" TEXT NOT NULL,
    "secretEncrypted" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastDeliveryAt" TIMESTAMP(3),

    CONSTRAINT "OkendoSubscription_pkey" PRIMARY KEY ("shop","topic")
);

-- CreateTable
CREATE TABLE "OkendoRateLimit" (
    "key" TEXT NOT NULL,
    "nextAt" BIGINT NOT NULL,

    CONSTRAINT "OkendoRateLimit_pkey" PRIMARY KEY ("key")
);

-- AddForeignKey
ALTER TABLE "OkendoConnection" ADD CONSTRAINT "OkendoConnection_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OkendoSubscription" ADD CONSTRAINT "OkendoSubscription_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

