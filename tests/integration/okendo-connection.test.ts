// Connect, Repair, Disconnect and uninstall through Okendo's Merchant API (the simulator), on SQLite.
import { okendoConnectionSuite } from "./okendo-connection.suite.ts";

okendoConnectionSuite("sqlite");
