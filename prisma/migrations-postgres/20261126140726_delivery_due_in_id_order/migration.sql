-- CreateIndex
CREATE INDEX "Delivery_shop_kind_status_id_idx" ON "Delivery"("shop", "kind", "status", "id");

