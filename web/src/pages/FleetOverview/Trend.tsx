import { AreaChart } from "@mantine/charts";
import { Paper, Title, VisuallyHidden } from "@mantine/core";

import type { components } from "../../api/schema";
import { useT } from "../../i18n";

type TrendPoint = components["schemas"]["SecurityTrendPoint"];

/** Open security updates at the end of each day; a hidden table says the same for screen readers. */
export function Trend({ points, days }: { points: TrendPoint[]; days: number }) {
  const t = useT();
  const title = t("overview.trend", { days });
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      <AreaChart
        h={200}
        data={points}
        dataKey="day"
        series={[{ name: "open", label: t("overview.openUpdates"), color: "red.6" }]}
        curveType="monotone"
        withDots={false}
        aria-hidden="true"
      />
      <VisuallyHidden>
        <table>
          <caption>{title}</caption>
          <tbody>
            {points.map((p) => (
              <tr key={p.day}>
                <th scope="row">{p.day}</th>
                <td>{p.open}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </Paper>
  );
}
