// What needs someone's attention about deliveries, for the health banner on the home page: Braze rejected the key
// (the shop's deliveries wait for a new one), deliveries the app paused itself because it cannot read the stored key
// (an operator's problem, not the merchant's: the reason says so), deliveries Braze is still being asked to take
// (retrying), those it gave up on after 24 hours (dead letters), and those it refused for good (failed). Test
// events count too: a test Braze refused is a real refusal.
import prisma from "../db.server";
import { DeliveryStatus, PENDING_STATUSES } from "../outbox/delivery-status";

export interface DeliveryHealthView {
  keyRejected: { reason: string | null } | null;
  paused: { reason: string } | null;
  waiting: number; // queued, waiting for an identity, or retrying: what a rejected key or a pause holds back
  retrying: number;
  deadLetters: number;
  failed: number;
}

export async function deliveryHealthView(shop: string): Promise<DeliveryHealthView> {
  const [counts, shopRow] = await Promise.all([
    prisma.delivery.groupBy({
      by: ["status"],
      where: { shop, status: { in: [...PENDING_STATUSES, DeliveryStatus.deadLetter, DeliveryStatus.failed] } },
      _count: { _all: true },
    }),
    prisma.shop.findUnique({
      where: { domain: shop },
      select: { connectionStatus: true, connectionError: true, deliveryPausedReason: true },
    }),
  ]);
  const count = (status: string) => counts.find((row) => row.status === status)?._count._all ?? 0;
  return {
    keyRejected: shopRow?.connectionStatus === "broken" ? { reason: shopRow.connectionError } : null,
    paused: shopRow?.deliveryPausedReason ? { reason: shopRow.deliveryPausedReason } : null,
    waiting: PENDING_STATUSES.reduce((sum, status) => sum + count(status), 0),
    retrying: count(DeliveryStatus.retrying),
    deadLetters: count(DeliveryStatus.deadLetter),
    failed: count(DeliveryStatus.failed),
  };
}
