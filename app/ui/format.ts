// Formats the same way on the server and in the browser, so hydration never disagrees.
const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export function formatUtc(iso: string): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}

export function maskedKey(last4: string | null): string {
  return `••••••••${last4 ?? ""}`;
}
