// A shop's Okendo connection through Okendo's Merchant API: Connect (check the credentials, create one webhook
// subscription per topic, store each secret), the subscriptions' state as Okendo reports it, Repair, Disconnect,
// and what the app does when it is uninstalled. The API key and the secrets are sealed at rest and never leave
// the server; the settings screen gets the view below.
import prisma from "../db.server";
import { ensureShop } from "../settings/braze-connection.server";
import { openSealed, secretBoxFromEnv } from "../settings/secret-box.server";
import { allowedApiBases, defaultApiBase, isAllowedApiBase } from "./api-base.server";
import {
  okendoMerchantApi,
  type OkendoAnswer,
  type OkendoCredentials,
  type OkendoMerchantApi,
  type OkendoWebhookSubscription,
} from "./merchant-api.server";
import { sharedOkendoRateLimiter } from "./rate-limit.server";
import { OKENDO_RESOURCE_LABELS, OKENDO_TOPICS, topicWebhookUrl, type OkendoTopicInfo } from "./subscription-topics";

/** The secret box contexts of the sealed Okendo API key and subscription secrets (also used by key rotation). */
export const okendoApiKeyContext = (shop: string) => `${shop}:okendo-api-key`;
export const subscriptionSecretContext = (shop: string) => `${shop}:okendo-subscription-secret`;

// What a merchant waits for at most after clicking Connect, Repair or Disconnect (Okendo's rate limit, Retry-After).
const ACTION = { timeoutMs: 10_000, maxWaitMs: 15_000 };
// The settings page asks Okendo for the subscriptions' state on every load; it must not hang on a slow Okendo.
const PAGE_LOAD = { timeoutMs: 4_000, maxWaitMs: 2_000 };
// After an uninstall the clean-up runs in the background; it gives up after this long.
const UNINSTALL_BUDGET_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OkendoSubscriptionView {
  topic: string;
  label: string;
  resourceType: string;
  resourceLabel: string;
  /** As Okendo reports it; "missing" when Okendo no longer has it; "unknown" when Okendo could not be asked. */
  state: "enabled" | "disabled" | "missing" | "unknown";
  lastDeliveryAt: string | null;
}

// Everything the browser may know about the connection. The API key itself is never part of it.
export interface OkendoApiConnectionView {
  connected: boolean;
  userId: string | null;
  apiKeyLast4: string | null;
  connectedAt: string | null;
  apiBase: string | null;
  /** The API base URLs a connection may use; more than one only when OKENDO_EXTRA_API_URLS lists stand-ins. */
  apiBases: string[];
  defaultApiBase: string;
  subscriptions: OkendoSubscriptionView[];
  /** Why the states shown are the app's last record rather than Okendo's answer; null when Okendo answered. */
  stateProblem: string | null;
  needsRepair: boolean;
}

export type OkendoFieldErrors = { userId?: string; apiKey?: string; apiBase?: string };

export type OkendoActionResult =
  { ok: true; message?: string } | { ok: false; fieldErrors: OkendoFieldErrors } | { ok: false; error: string };

type ConnectionRow = NonNullable<Awaited<ReturnType<typeof prisma.okendoConnection.findUnique>>>;
type SubscriptionRow = Awaited<ReturnType<typeof prisma.okendoSubscription.findMany>>[number];
type NewSubscriptionRow = Omit<SubscriptionRow, "createdAt" | "updatedAt" | "lastDeliveryAt">;

function appUrl(): string {
  const url = process.env.SHOPIFY_APP_URL;
  if (!url) throw new Error("SHOPIFY_APP_URL is not set: the app cannot tell Okendo where to send webhooks.");
  return url;
}

/** The URL prefix that marks a subscription in Okendo as this app's, for this shop. */
function ownPrefix(okendoWebhookId: string): string {
  return new URL(`/webhooks/okendo/${okendoWebhookId}/`, appUrl()).toString();
}

function client(credentials: OkendoCredentials, apiBase: string, pace: { timeoutMs: number; maxWaitMs: number }) {
  return okendoMerchantApi(credentials, { baseUrl: apiBase, limiter: sharedOkendoRateLimiter(prisma), ...pace });
}

function validate(input: { userId: string; apiKey: string; apiBase?: string }) {
  const userId = input.userId.trim();
  const apiKey = input.apiKey.trim();
  const fieldErrors: OkendoFieldErrors = {};
  if (!userId) fieldErrors.userId = "Enter your Okendo User ID (Okendo › Settings › Integrations › Credentials).";
  else if (/^[A-Za-z0-9]{32}$/.test(userId)) {
    fieldErrors.userId =
      "That looks like the API key. The Okendo User ID is a UUID like 123e4567-e89b-12d3-a456-426614174000.";
  } else if (!UUID.test(userId)) {
    fieldErrors.userId = "The Okendo User ID is a UUID like 123e4567-e89b-12d3-a456-426614174000.";
  }
  if (!apiKey) fieldErrors.apiKey = "Enter your Okendo API key (Okendo › Settings › Integrations › Credentials).";
  else if (/\s/.test(apiKey)) fieldErrors.apiKey = "The API key cannot contain spaces.";
  else if (UUID.test(apiKey)) fieldErrors.apiKey = "That looks like the Okendo User ID. The API key is 32 characters.";
  else if (apiKey.length !== 32)
    fieldErrors.apiKey = `Okendo API keys are 32 characters; this one has ${apiKey.length}.`;
  const apiBase = input.apiBase?.trim() || defaultApiBase();
  if (!isAllowedApiBase(apiBase)) fieldErrors.apiBase = "Choose one of the listed Okendo API addresses.";
  return { credentials: { userId: userId.toLowerCase(), apiKey }, apiBase, fieldErrors };
}

/** The Merchant API client for a stored connection (recovery, the history import); null when the address it was
 * connected through is no longer allowed. Throws SecretBoxError when the stored key cannot be opened. */
export function storedConnectionApi(row: ConnectionRow, pace: { timeoutMs: number; maxWaitMs: number }) {
  return isAllowedApiBase(row.apiBase) ? client(credentialsOf(row), row.apiBase, pace) : null;
}

/** Throws SecretBoxError when the stored key cannot be opened (an ENCRYPTION_KEY problem). */
function credentialsOf(row: ConnectionRow): OkendoCredentials {
  return { userId: row.userId, apiKey: openSealed(row.apiKeyEncrypted, okendoApiKeyContext(row.shop)) };
}

// Written only when it changes: the settings page calls this on every load.
async function recordError(shop: string, lastError: string | null) {
  const changed =
    lastError === null ? { NOT: { lastError: null } } : { OR: [{ lastError: null }, { NOT: { lastError } }] };
  await prisma.okendoConnection.updateMany({ where: { shop, ...changed }, data: { lastError } });
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

/** Creates one topic's subscription and returns what to store, or the problem. */
async function createSubscription(
  api: OkendoMerchantApi,
  shop: string,
  okendoWebhookId: string,
  topic: OkendoTopicInfo,
): Promise<OkendoAnswer<NewSubscriptionRow> & { orphanId?: string }> {
  const endpointUrl = topicWebhookUrl(appUrl(), okendoWebhookId, topic.topic);
  const created = await api.createSubscription({ endpointUrl, resourceType: topic.resourceType, verb: topic.verb });
  if (!created.ok) {
    const orphanId = created.problem.kind === "no-secret" ? (created.problem.subscriptionId ?? undefined) : undefined;
    return { ...created, orphanId };
  }
  return {
    ok: true,
    value: {
      shop,
      topic: topic.topic,
      resourceType: topic.resourceType,
      okendoSubscriptionId: created.value.subscription.id,
      endpointUrl,
      secretEncrypted: secretBoxFromEnv().seal(created.value.secret, subscriptionSecretContext(shop)),
      enabled: true,
    },
  };
}

/** Deletes subscriptions in Okendo, stopping at the first problem that would fail every other one too. */
async function deleteRemote(api: OkendoMerchantApi, targets: { topic: string; id: string }[]) {
  const left: { topic: string; id: string }[] = [];
  let reason: string | null = null;
  let stop = false;
  for (const target of targets) {
    if (stop) {
      left.push(target);
      continue;
    }
    const deleted = await api.deleteSubscription(target.id);
    if (deleted.ok) continue;
    left.push(target);
    reason ??= deleted.message;
    // Only a missing DELETE concerns one subscription; unreachable, rate-limited or refused would fail the rest too.
    if (deleted.problem.kind !== "not-supported") stop = true;
  }
  return { left, reason };
}

function leftoverSentence(left: { topic: string; id: string }[], reason: string | null, apiBase: string): string {
  const list = left.map((l) => `${l.topic} (${l.id})`).join(", ");
  return (
    `${left.length} of the app's webhook subscriptions could not be removed from Okendo${reason ? ` — ${reason}` : ""} ` +
    `Still in Okendo: ${list}. The app no longer accepts their deliveries, so they fail until Okendo disables them; ` +
    `to remove them now, send DELETE ${apiBase}/webhook_subscriptions/<id> with your Okendo credentials.`
  );
}

// ─── Connect ─────────────────────────────────────────────────────────────────────────────────────────────────

export async function connectOkendo(
  shop: string,
  input: { userId: string; apiKey: string; apiBase?: string },
): Promise<OkendoActionResult> {
  const { credentials, apiBase, fieldErrors } = validate(input);
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  if (await prisma.okendoConnection.findUnique({ where: { shop } })) {
    return { ok: false, error: "Okendo is already connected. Disconnect first to use other credentials." };
  }
  const shopRow = await ensureShop(shop);
  const api = client(credentials, apiBase, ACTION);
  const nothingSaved = (message: string) => ({ ok: false as const, error: `${message} Nothing was saved.` });

  const check = await api.checkCredentials();
  if (!check.ok) return nothingSaved(check.message);
  const existing = await api.listSubscriptions();
  if (!existing.ok) return nothingSaved(existing.message);

  // Subscriptions to this shop's topic URLs that the app no longer knows the secrets of (a connection whose
  // Disconnect could not reach Okendo): their deliveries could never be verified, so they go.
  const prefix = ownPrefix(shopRow.okendoWebhookId);
  await deleteRemote(
    api,
    existing.value
      .filter((s) => s.endpointUrl.startsWith(prefix))
      .map((s) => ({ topic: s.topics.join(","), id: s.id })),
  );

  const rows: NewSubscriptionRow[] = [];
  for (const topic of OKENDO_TOPICS) {
    const created = await createSubscription(api, shop, shopRow.okendoWebhookId, topic);
    if (created.ok) {
      rows.push(created.value);
      continue;
    }
    // Leave nothing behind: remove what this attempt created, including a subscription whose secret was missing.
    const undo = rows.map((r) => ({ topic: r.topic, id: r.okendoSubscriptionId }));
    if (created.orphanId) undo.push({ topic: topic.topic, id: created.orphanId });
    const { left, reason } = await deleteRemote(api, undo);
    const failed = `Could not set up the “${topic.label}” subscription in Okendo: ${created.message}`;
    return {
      ok: false,
      error: left.length
        ? `${failed} Nothing was saved. ${leftoverSentence(left, reason, apiBase)}`
        : `${failed} Nothing was saved.`,
    };
  }

  try {
    await prisma.$transaction([
      prisma.okendoConnection.create({
        data: {
          shop,
          userId: credentials.userId,
          apiKeyEncrypted: secretBoxFromEnv().seal(credentials.apiKey, okendoApiKeyContext(shop)),
          apiKeyLast4: credentials.apiKey.slice(-4),
          apiBase,
        },
      }),
      prisma.okendoSubscription.deleteMany({ where: { shop } }),
      prisma.okendoSubscription.createMany({ data: rows }),
    ]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another Connect for this shop finished first: keep its subscriptions, remove ours.
    await deleteRemote(
      api,
      rows.map((r) => ({ topic: r.topic, id: r.okendoSubscriptionId })),
    );
    return { ok: false, error: "Okendo was connected from another window at the same time. Reload the page." };
  }
  return { ok: true };
}

// ─── What the settings screen shows ─────────────────────────────────────────────────────────────────────────

export async function okendoApiConnectionView(shop: string): Promise<OkendoApiConnectionView> {
  const apiBases = allowedApiBases();
  const row = await prisma.okendoConnection.findUnique({ where: { shop } });
  if (!row) {
    return {
      connected: false,
      userId: null,
      apiKeyLast4: null,
      connectedAt: null,
      apiBase: null,
      apiBases,
      defaultApiBase: defaultApiBase(),
      subscriptions: [],
      stateProblem: null,
      needsRepair: false,
    };
  }
  const stored = await prisma.okendoSubscription.findMany({ where: { shop } });
  const live = await liveSubscriptions(row);
  if (live.ok) await rememberStates(shop, stored, live.value);
  await recordError(shop, live.ok ? null : live.message);

  const byTopic = new Map(stored.map((s) => [s.topic, s]));
  const subscriptions = OKENDO_TOPICS.map((topic): OkendoSubscriptionView => {
    const mine = byTopic.get(topic.topic);
    let state: OkendoSubscriptionView["state"] = "missing";
    if (mine && live.ok) {
      const remote = live.value.find((s) => s.id === mine.okendoSubscriptionId);
      state = !remote ? "missing" : remote.isEnabled ? "enabled" : "disabled";
    } else if (mine) state = "unknown";
    return {
      topic: topic.topic,
      label: topic.label,
      resourceType: topic.resourceType,
      resourceLabel: OKENDO_RESOURCE_LABELS[topic.resourceType] ?? topic.resourceType,
      state,
      lastDeliveryAt: mine?.lastDeliveryAt?.toISOString() ?? null,
    };
  });
  return {
    connected: true,
    userId: row.userId,
    apiKeyLast4: row.apiKeyLast4,
    connectedAt: row.connectedAt.toISOString(),
    apiBase: row.apiBase,
    apiBases,
    defaultApiBase: defaultApiBase(),
    subscriptions,
    stateProblem: live.ok
      ? null
      : `Okendo could not be asked just now, so this is the app's last record. ${live.message}`,
    needsRepair: subscriptions.some((s) => s.state === "missing" || s.state === "disabled"),
  };
}

async function liveSubscriptions(row: ConnectionRow): Promise<OkendoAnswer<OkendoWebhookSubscription[]>> {
  if (!isAllowedApiBase(row.apiBase)) {
    const message = `The Okendo API address this shop was connected through (${row.apiBase}) is no longer allowed.`;
    return { ok: false, problem: { kind: "unexpected", detail: message }, message };
  }
  let credentials: OkendoCredentials;
  try {
    credentials = credentialsOf(row);
  } catch (error) {
    const message = `The stored Okendo API key could not be decrypted (${(error as Error).message})`;
    return { ok: false, problem: { kind: "unexpected", detail: message }, message };
  }
  return client(credentials, row.apiBase, PAGE_LOAD).listSubscriptions();
}

// Keeps the stored state in step with Okendo's, so the last record shown when Okendo is unreachable is recent.
async function rememberStates(shop: string, stored: SubscriptionRow[], live: OkendoWebhookSubscription[]) {
  for (const row of stored) {
    const enabled = live.find((s) => s.id === row.okendoSubscriptionId)?.isEnabled ?? false;
    if (enabled !== row.enabled) {
      await prisma.okendoSubscription.update({ where: { shop_topic: { shop, topic: row.topic } }, data: { enabled } });
    }
  }
}

// ─── Repair ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Re-enables, re-points or re-creates every subscription that is disabled, changed or missing in Okendo. */
export async function repairOkendo(shop: string): Promise<OkendoActionResult> {
  const row = await prisma.okendoConnection.findUnique({ where: { shop } });
  if (!row) return { ok: false, error: "Okendo is not connected." };
  if (!isAllowedApiBase(row.apiBase)) {
    return {
      ok: false,
      error: `The Okendo API address this shop was connected through (${row.apiBase}) is no longer allowed.`,
    };
  }
  const { okendoWebhookId } = await ensureShop(shop);
  const api = client(credentialsOf(row), row.apiBase, ACTION);
  const remote = await api.listSubscriptions();
  if (!remote.ok) {
    await recordError(shop, remote.message);
    return { ok: false, error: `Nothing was repaired. ${remote.message}` };
  }
  const stored = new Map((await prisma.okendoSubscription.findMany({ where: { shop } })).map((s) => [s.topic, s]));
  const repaired: string[] = [];
  const failed: string[] = [];

  for (const topic of OKENDO_TOPICS) {
    const endpointUrl = topicWebhookUrl(appUrl(), okendoWebhookId, topic.topic);
    const mine = stored.get(topic.topic);
    const current = mine && remote.value.find((s) => s.id === mine.okendoSubscriptionId);
    if (current && current.isEnabled && current.endpointUrl === endpointUrl) continue;

    if (mine && current) {
      const updated = await api.updateSubscription(current.id, {
        endpointUrl,
        resourceType: topic.resourceType,
        verb: topic.verb,
        isEnabled: true,
      });
      if (updated.ok) {
        await prisma.okendoSubscription.update({
          where: { shop_topic: { shop, topic: topic.topic } },
          data: { enabled: true, endpointUrl },
        });
        repaired.push(topic.label);
        continue;
      }
      if (updated.problem.kind !== "not-supported" && updated.problem.kind !== "not-found") {
        failed.push(`${topic.label}: ${updated.message}`);
        continue;
      }
      // Okendo offers no update for it: replace the subscription (the old one goes first, so no duplicates).
      const removed = await api.deleteSubscription(current.id);
      if (!removed.ok) {
        failed.push(
          `${topic.label}: it is disabled and Okendo offers neither an update nor a delete for it (${removed.message})`,
        );
        continue;
      }
    }
    const created = await createSubscription(api, shop, okendoWebhookId, topic);
    if (!created.ok) {
      if (created.orphanId) await api.deleteSubscription(created.orphanId);
      failed.push(`${topic.label}: ${created.message}`);
      continue;
    }
    await prisma.okendoSubscription.upsert({
      where: { shop_topic: { shop, topic: topic.topic } },
      create: created.value,
      update: created.value,
    });
    repaired.push(topic.label);
  }

  // The app's subscriptions for this shop that it holds no secret for any more can only fail: remove them.
  const known = new Set(
    (await prisma.okendoSubscription.findMany({ where: { shop }, select: { okendoSubscriptionId: true } })).map(
      (s) => s.okendoSubscriptionId,
    ),
  );
  const prefix = ownPrefix(okendoWebhookId);
  await deleteRemote(
    api,
    remote.value
      .filter((s) => s.endpointUrl.startsWith(prefix) && !known.has(s.id))
      .map((s) => ({ topic: s.topics.join(","), id: s.id })),
  );

  if (failed.length > 0) {
    const message = `Could not repair ${failed.join("; ")}${repaired.length ? ` (repaired: ${repaired.join(", ")})` : ""}`;
    await recordError(shop, message);
    return { ok: false, error: message };
  }
  await recordError(shop, null);
  return {
    ok: true,
    message: repaired.length ? `Repaired: ${repaired.join(", ")}.` : "Every subscription was already working.",
  };
}

// ─── Disconnect and uninstall ───────────────────────────────────────────────────────────────────────────────

interface RemovalPlan {
  shop: string;
  apiBase: string;
  credentials: OkendoCredentials | null;
  prefix: string | null;
  targets: { topic: string; id: string }[];
}

async function removalPlan(shop: string): Promise<RemovalPlan | null> {
  const row = await prisma.okendoConnection.findUnique({ where: { shop } });
  if (!row) return null;
  const stored = await prisma.okendoSubscription.findMany({ where: { shop } });
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop } });
  return {
    shop,
    apiBase: row.apiBase,
    credentials: isAllowedApiBase(row.apiBase) ? usableCredentials(row) : null,
    prefix: shopRow ? ownPrefix(shopRow.okendoWebhookId) : null,
    targets: stored.map((s) => ({ topic: s.topic, id: s.okendoSubscriptionId })),
  };
}

// Null when the stored key cannot be opened: then nothing can be removed in Okendo, only forgotten here.
function usableCredentials(row: ConnectionRow): OkendoCredentials | null {
  try {
    return credentialsOf(row);
  } catch {
    return null;
  }
}

async function forget(shop: string) {
  await prisma.$transaction([
    prisma.okendoSubscription.deleteMany({ where: { shop } }),
    prisma.okendoConnection.deleteMany({ where: { shop } }),
  ]);
}

export interface OkendoCleanupReport {
  /** Subscriptions still in Okendo (the app could not delete them), and why. */
  left: { topic: string; id: string }[];
  reason: string | null;
  message: string | null;
}

async function removeRemote(
  plan: RemovalPlan,
  pace: { timeoutMs: number; maxWaitMs: number },
): Promise<OkendoCleanupReport> {
  if (plan.targets.length === 0 && !plan.prefix) return { left: [], reason: null, message: null };
  if (!plan.credentials) {
    const reason = "the stored API key or API address can no longer be used.";
    return { left: plan.targets, reason, message: leftoverSentence(plan.targets, reason, plan.apiBase) };
  }
  const api = client(plan.credentials, plan.apiBase, pace);
  const targets = [...plan.targets];
  // Okendo's list also finds the app's subscriptions this shop lost track of; if it cannot be read, the stored
  // ones are still tried.
  const listed = await api.listSubscriptions();
  if (listed.ok && plan.prefix) {
    for (const s of listed.value) {
      if (s.endpointUrl.startsWith(plan.prefix) && !targets.some((t) => t.id === s.id)) {
        targets.push({ topic: s.topics.join(","), id: s.id });
      }
    }
  }
  const { left, reason } = await deleteRemote(api, targets);
  return { left, reason, message: left.length ? leftoverSentence(left, reason, plan.apiBase) : null };
}

/**
 * Deletes the app's subscriptions in Okendo and forgets the credentials and secrets. If Okendo cannot be reached,
 * the shop is still disconnected here and the message says what is left in Okendo.
 */
export async function disconnectOkendo(shop: string): Promise<OkendoActionResult> {
  const plan = await removalPlan(shop);
  if (!plan) return { ok: true };
  const report = await removeRemote(plan, ACTION);
  await forget(shop);
  return report.message ? { ok: true, message: `Disconnected from Okendo. ${report.message}` } : { ok: true };
}

/**
 * For the app/uninstalled webhook: forgets the Okendo credentials and secrets at once (so nothing more is
 * accepted), then removes the subscriptions in Okendo in the background — the webhook answer must not wait for
 * Okendo. Awaiting `remoteCleanup` gives the report; it never rejects.
 */
export async function okendoAppUninstalled(shop: string): Promise<{ remoteCleanup: Promise<OkendoCleanupReport> }> {
  const plan = await removalPlan(shop);
  if (!plan) return { remoteCleanup: Promise.resolve({ left: [], reason: null, message: null }) };
  await forget(shop);
  const remoteCleanup = removeRemote(plan, { timeoutMs: 10_000, maxWaitMs: UNINSTALL_BUDGET_MS })
    .catch((error: unknown): OkendoCleanupReport => ({ left: plan.targets, reason: String(error), message: null }))
    .then((report) => {
      if (report.left.length > 0) {
        // No secrets here: topics, Okendo's subscription ids and the reason only.
        console.warn(
          `[okendo] ${shop} uninstalled; left in Okendo: ${report.left.map((l) => `${l.topic} ${l.id}`).join(", ")} (${report.reason})`,
        );
      }
      return report;
    });
  return { remoteCleanup };
}
