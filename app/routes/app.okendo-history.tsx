// Import history on the Okendo card: the shop's import as JSON (the card polls it while the import runs), and
// Start/Cancel. The import runs in the delivery worker (app/okendo/history-import-job.server.ts), never here.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { cancelHistoryImport, historyImportView, startHistoryImport } from "../okendo/history-import.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  return json({ ok: true as const, view: await historyImportView(session.shop) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const intent = (await request.formData()).get("intent");
  if (intent === "start") {
    const result = await startHistoryImport(session.shop);
    return json(result, { status: result.ok ? 200 : 409 });
  }
  if (intent === "cancel") return json(await cancelHistoryImport(session.shop));
  return json({ ok: false as const, error: `Unknown action "${String(intent)}".` }, { status: 400 });
}
