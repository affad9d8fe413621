// Connect, Repair, Disconnect and uninstall through Okendo's Merchant API (the simulator), on Postgres.
import { okendoConnectionSuite } from "./okendo-connection.suite.ts";

okendoConnectionSuite("postgres");
