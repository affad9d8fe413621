-- AlterTable
ALTER TABLE "OkendoConnection" ADD COLUMN "recoveryDueAt" DATETIME;
ALTER TABLE "OkendoConnection" ADD COLUMN "recoveryLastError" TEXT;
ALTER TABLE "OkendoConnection" ADD COLUMN "recoveryLastRunAt" DATETIME;
ALTER TABLE "OkendoConnection" ADD COLUMN "recoveryLeaseId" TEXT;

-- CreateIndex
CREATE INDEX "OkendoConnection_recoveryDueAt_idx" ON "OkendoConnection"("recoveryDueAt");

