import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";

export type SwitchSaveResult = { ok: true; enabled: boolean } | { ok: false; error: string };

// A switch that saves as soon as it is flipped: it shows the merchant's choice at once (in the same render as the
// click, so it never flips back while the request starts), confirms the save with a toast, and on failure goes back
// to the stored value with the reason, for the switch to show inline. The stored value takes over again when the
// save and the reload that follows are done.
export function useSavedSwitch({
  key,
  stored,
  form,
  saved,
}: {
  key: string;
  stored: boolean;
  form: (on: boolean) => Record<string, string>;
  saved: (on: boolean) => string;
}) {
  const fetcher = useFetcher<SwitchSaveResult>({ key });
  const shopify = useAppBridge();
  const [checked, setChecked] = useState(stored);
  const idle = fetcher.state === "idle";
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the re-sync described above: one render per save
    if (idle) setChecked(stored);
  }, [stored, idle]);
  const result = fetcher.data;
  useEffect(() => {
    if (result?.ok) shopify.toast.show(saved(result.enabled));
    // The toast is for this answer, not for a new `saved` function on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, shopify]);

  return {
    checked,
    saving: !idle,
    error: idle && result && !result.ok ? `Not saved: ${result.error}` : undefined,
    change: (on: boolean) => {
      setChecked(on);
      fetcher.submit(form(on), { method: "post" });
    },
  };
}
