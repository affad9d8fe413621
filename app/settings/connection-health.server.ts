// Connection health for the settings screen: how many deliveries are waiting to be retried and how many gave up
// (dead letters), each linking to the filtered activity log. The rejected-key state and the last successful
// delivery are part of the Braze connection itself (braze-connection.server.ts).
import prisma from "../db.server";

export interface DeliveryHealthView {
  retrying: number;
  deadLetters: number;
}

export async function deliveryHealthView(shop: string): Promise<DeliveryHealthView> {
  const counts = await prisma.delivery.groupBy({
    by: ["status"],
    where: { shop, status: { in: ["retrying", "dead_letter"] } },
    _count: { _all: true },
  });
  const count = (status: string) => counts.find((row) => row.status === status)?._count._all ?? 0;
  return { retrying: count("retrying"), deadLetters: count("dead_letter") };
}
