// Liveness probe: 200 while the process answers (app/health/checks.server.ts).
import { liveness } from "../health/checks.server";

export const loader = () => Response.json(liveness(), { headers: { "cache-control": "no-store" } });
