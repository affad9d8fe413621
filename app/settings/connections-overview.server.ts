// The home page's connection states, from what the app has stored (the page does not ask Braze or Okendo, so it
// shows at once): Braze connected, rejected or not; Okendo connected through its API (and whether a subscription
// was last seen disabled), set up by hand, or not yet; and when the last message arrived.
import prisma from "../db.server";
import { TEST_SOURCE } from "../outbox/test-events.server";
import type { BrazeConnectionView } from "./braze-connection.server";

export interface ConnectionsOverview {
  braze: { status: BrazeConnectionView["status"]; endpoint: string | null; lastDeliveredAt: string | null };
  okendo: { status: "connected" | "needs-repair" | "manual" | "not-connected"; lastReceivedAt: string | null };
}

export async function connectionsOverview(shop: string): Promise<ConnectionsOverview> {
  const [shopRow, okendo, disabled, last] = await Promise.all([
    prisma.shop.findUnique({
      where: { domain: shop },
      select: { connectionStatus: true, brazeEndpoint: true, lastDeliveredAt: true },
    }),
    prisma.okendoConnection.findUnique({ where: { shop }, select: { shop: true } }),
    prisma.okendoSubscription.count({ where: { shop, enabled: false } }),
    prisma.inboundMessage.findFirst({
      where: { shop, source: { not: TEST_SOURCE } },
      orderBy: { receivedAt: "desc" },
      select: { receivedAt: true },
    }),
  ]);
  const lastReceivedAt = last?.receivedAt.toISOString() ?? null;
  return {
    braze: {
      status: (shopRow?.connectionStatus ?? "disconnected") as BrazeConnectionView["status"],
      endpoint: shopRow?.brazeEndpoint ?? null,
      lastDeliveredAt: shopRow?.lastDeliveredAt?.toISOString() ?? null,
    },
    okendo: {
      status: okendo ? (disabled > 0 ? "needs-repair" : "connected") : lastReceivedAt ? "manual" : "not-connected",
      lastReceivedAt,
    },
  };
}
