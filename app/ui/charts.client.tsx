// The charts, drawn with Shopify's Polaris Viz (docs/decisions/0021-home-charts-and-admin-pages.md). Loaded in the browser
// only, after the page is shown (see Chart.tsx): the charts measure their container, so the server has nothing to
// draw, and the page's first paint does not wait for the library.
import "@shopify/polaris-viz/build/esm/styles.css";
import { BarChart, PolarisVizProvider, SparkLineChart } from "@shopify/polaris-viz";
import type { DailyDeliveries } from "../activity/delivery-stats.server";

// Polaris' success and critical fills, as Polaris Viz needs colours it can compute with.
const DELIVERED = "#29845a";
const FAILED = "#e22c38";

const dayLabel = (day: string) =>
  new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(day));

export function DeliveriesBarChart({ days }: { days: DailyDeliveries[] }) {
  return (
    <PolarisVizProvider>
      <BarChart
        theme="Light"
        type="stacked"
        isAnimated={false}
        showLegend
        data={[
          {
            name: "Delivered",
            color: DELIVERED,
            data: days.map((d) => ({ key: dayLabel(d.day), value: d.delivered })),
          },
          { name: "Failed", color: FAILED, data: days.map((d) => ({ key: dayLabel(d.day), value: d.failed })) },
        ]}
      />
    </PolarisVizProvider>
  );
}

export function TrendSparkline({ counts }: { counts: number[] }) {
  return (
    <PolarisVizProvider>
      <SparkLineChart
        theme="Light"
        isAnimated={false}
        data={[{ name: "Received", color: "#005bd3", data: counts.map((value, index) => ({ key: index, value })) }]}
      />
    </PolarisVizProvider>
  );
}
