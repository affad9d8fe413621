// Starts the Braze and Okendo simulators and the production build once for all browser tests.
import { startBrazeSimulator } from "../support/braze-simulator.ts";
import { startOkendoSimulator } from "../support/okendo-simulator.ts";
import { freePort, startAppServer } from "../support/app-server.ts";

export default async function globalSetup() {
  const simulator = await startBrazeSimulator();
  // An allowed endpoint where nothing listens: "Braze unreachable".
  const unreachable = `http://127.0.0.1:${await freePort()}`;
  const okendo = await startOkendoSimulator();
  const app = await startAppServer({
    BRAZE_EXTRA_ENDPOINTS: `${simulator.url},${unreachable}`,
    // The first stand-in is the default choice; the second is an allowed address where nothing listens.
    OKENDO_EXTRA_API_URLS: `${okendo.url},${unreachable}/enterprise`,
  });

  process.env.E2E_APP_URL = app.url;
  process.env.E2E_DATABASE_URL = app.databaseUrl;
  process.env.E2E_SIMULATOR_URL = simulator.url;
  process.env.E2E_UNREACHABLE_URL = unreachable;
  process.env.E2E_OKENDO_URL = okendo.url;
  process.env.E2E_OKENDO_ORIGIN = okendo.origin;

  return async () => {
    await app.stop();
    await simulator.close();
    await okendo.close();
  };
}
