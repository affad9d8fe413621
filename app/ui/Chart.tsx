import { Suspense, lazy, useEffect, useState, type ReactNode } from "react";

const charts = () => import("./charts.client");
export const DeliveriesBarChart = lazy(() => charts().then((module) => ({ default: module.DeliveriesBarChart })));
export const TrendSparkline = lazy(() => charts().then((module) => ({ default: module.TrendSparkline })));

// A box of a fixed size that a chart is drawn into once the page has hydrated: the same size before and after, so
// nothing moves (no layout shift). The chart itself is hidden from assistive technology; every chart here has a
// text alternative next to it (a table or a sentence) that says the same.
export function ChartBox({ height, width, children }: { height: string; width?: string; children: ReactNode }) {
  const [hydrated, setHydrated] = useState(false);
  // eslint-disable-next-line react-hooks/set-state-in-effect -- draw only in the browser, after hydration
  useEffect(() => setHydrated(true), []);
  return (
    // inert: nothing inside can take focus either (the chart's tooltips are for the pointer).
    <div
      aria-hidden="true"
      {...{ inert: "" }}
      style={{ height, width: width ?? "100%", position: "relative", overflow: "hidden" }}
    >
      {hydrated && <Suspense fallback={null}>{children}</Suspense>}
    </div>
  );
}
