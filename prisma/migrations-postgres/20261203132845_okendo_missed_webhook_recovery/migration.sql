-- AlterTable
ALTER TABLE "OkendoConnection" ADD COLUMN     "recoveryDueAt" TIMESTAMP(3),
ADD COLUMN     "recoveryLastError" TEXT,
ADD COLUMN     "recoveryLastRunAt" TIMESTAMP(3),
ADD COLUMN     "recoveryLeaseId" TEXT;

-- CreateIndex
CREATE INDEX "OkendoConnection_recoveryDueAt_idx" ON "OkendoConnection"("recoveryDueAt");

