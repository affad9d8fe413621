import { APP_BRIDGE_STAND_IN } from "../demo/app-bridge-stand-in";
import { demoShop } from "../demo/demo-mode.server";

export function loader() {
  if (!demoShop()) throw new Response("Not found", { status: 404 });
  return new Response(APP_BRIDGE_STAND_IN, { headers: { "content-type": "text/javascript; charset=utf-8" } });
}
