-- CreateTable
CREATE TABLE "HistoryImport" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'reading',
    "nextUrl" TEXT,
    "reviewsRead" INTEGER NOT NULL DEFAULT 0,
    "reviewsCounted" INTEGER NOT NULL DEFAULT 0,
    "reviewsUnattributed" INTEGER NOT NULL DEFAULT 0,
    "customersFound" INTEGER NOT NULL DEFAULT 0,
    "customersUpdated" INTEGER NOT NULL DEFAULT 0,
    "oldestReviewAt" DATETIME,
    "readThroughAt" DATETIME,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "error" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "HistoryImport_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HistoryImportCustomer" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "email" TEXT,
    "shopifyCustomerId" TEXT,
    "sent" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("shop", "customerKey")
);

-- CreateIndex
CREATE INDEX "HistoryImportCustomer_shop_sent_customerKey_idx" ON "HistoryImportCustomer"("shop", "sent", "customerKey");

