import { BlockStack, Card, Text } from "@shopify/polaris";
import type { DailyDeliveries } from "../activity/delivery-stats.server";
import { ChartBox, DeliveriesBarChart } from "./Chart";
import styles from "./VisuallyHiddenTable.module.css";

const dayName = (day: string) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(day));

// Delivered against failed per UTC day, the last 14 days. The chart is for the eye; the table below it says the
// same to a screen reader (and is what the browser tests read).
export function DeliveriesChartCard({ days }: { days: DailyDeliveries[] }) {
  const delivered = days.reduce((sum, day) => sum + day.delivered, 0);
  const failed = days.reduce((sum, day) => sum + day.failed, 0);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Deliveries, last 14 days
        </Text>
        <Text as="p" tone="subdued">
          {delivered.toLocaleString("en-US")} delivered, {failed.toLocaleString("en-US")} failed, by the day they were
          received (UTC).
        </Text>
        <ChartBox height="240px">
          <DeliveriesBarChart days={days} />
        </ChartBox>
        <table className={styles.VisuallyHidden}>
          <caption>Deliveries per day, last 14 days (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Delivered</th>
              <th scope="col">Failed</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <th scope="row">{dayName(day.day)}</th>
                <td>{day.delivered}</td>
                <td>{day.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </BlockStack>
    </Card>
  );
}
