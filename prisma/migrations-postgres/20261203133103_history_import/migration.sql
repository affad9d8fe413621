-- CreateTable
CREATE TABLE "HistoryImport" (
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'reading',
    "nextUrl" TEXT,
    "reviewsRead" INTEGER NOT NULL DEFAULT 0,
    "reviewsCounted" INTEGER NOT NULL DEFAULT 0,
    "reviewsUnattributed" INTEGER NOT NULL DEFAULT 0,
    "customersFound" INTEGER NOT NULL DEFAULT 0,
    "customersUpdated" INTEGER NOT NULL DEFAULT 0,
    "oldestReviewAt" TIMESTAMP(3),
    "readThroughAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HistoryImport_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "HistoryImportCustomer" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "email" TEXT,
    "shopifyCustomerId" TEXT,
    "sent" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "HistoryImportCustomer_pkey" PRIMARY KEY ("shop","customerKey")
);

-- CreateIndex
CREATE INDEX "HistoryImportCustomer_shop_sent_customerKey_idx" ON "HistoryImportCustomer"("shop", "sent", "customerKey");

-- AddForeignKey
ALTER TABLE "HistoryImport" ADD CONSTRAINT "HistoryImport_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

