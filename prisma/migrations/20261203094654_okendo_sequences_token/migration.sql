-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "sequencesTokenEncrypted" TEXT;

