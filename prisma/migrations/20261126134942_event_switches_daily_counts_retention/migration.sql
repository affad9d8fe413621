-- CreateTable
CREATE TABLE "EventSetting" (
    "shop" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "eventName"),
    CONSTRAINT "EventSetting_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EventDailyCount" (
    "shop" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastReceivedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "eventName", "day"),
    CONSTRAINT "EventDailyCount_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Delivery_status_createdAt_idx" ON "Delivery"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_inboundId_idx" ON "Delivery"("inboundId");

