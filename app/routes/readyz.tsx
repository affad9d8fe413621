// Readiness probe: 200 when the database answers, migrations are applied as committed and a delivery worker is
// alive; 503 otherwise, with each check's detail in the JSON body (app/health/checks.server.ts).
import { readiness } from "../health/checks.server";

export const loader = async () => {
  const result = await readiness();
  return Response.json(result, {
    status: result.status === "ready" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
};
