-- CreateTable
CREATE TABLE "EventSetting" (
    "shop" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventSetting_pkey" PRIMARY KEY ("shop","eventName")
);

-- CreateTable
CREATE TABLE "EventDailyCount" (
    "shop" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastReceivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventDailyCount_pkey" PRIMARY KEY ("shop","eventName","day")
);

-- CreateIndex
CREATE INDEX "Delivery_status_createdAt_idx" ON "Delivery"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_inboundId_idx" ON "Delivery"("inboundId");

-- AddForeignKey
ALTER TABLE "EventSetting" ADD CONSTRAINT "EventSetting_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventDailyCount" ADD CONSTRAINT "EventDailyCount_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

