import "@mantine/charts/styles.css";

import { Button, SimpleGrid, Stack, Title } from "@mantine/core";
import { Link } from "react-router";

import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { useT } from "../../i18n";
import { AgeBuckets } from "./AgeBuckets";
import { OldestExposures } from "./OldestExposures";
import { SitesByStatus } from "./SitesByStatus";
import { StatCard } from "./StatCard";
import { Trend } from "./Trend";
import { TREND_DAYS, useExposuresByAge, useFleetSummary, useOldestExposures, useTrend } from "./queries";

export default function FleetOverview() {
  const t = useT();
  const summary = useFleetSummary();
  const byAge = useExposuresByAge();
  const oldest = useOldestExposures();
  const trend = useTrend();

  const failed = [summary, byAge, oldest, trend].find((q) => q.error);
  if (failed) return <ErrorState error={failed.error} onRetry={() => void failed.refetch()} />;
  if (!summary.data || !byAge.data || !oldest.data || !trend.data) return <LoadingState />;
  const s = summary.data;

  return (
    <Stack>
      <Title order={1} size="h2">
        {t("overview.title")}
      </Title>
      {s.sites === 0 ? (
        <EmptyState title={t("overview.noSites")} action={<Button component={Link} to="/sites" variant="light">{t("nav.sites")}</Button>}>
          {t("overview.noSitesHelp")}
        </EmptyState>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, xs: 3 }}>
            <StatCard label={t("overview.sites")} value={s.sites} to="/sites" />
            <StatCard label={t("overview.securityUpdates")} value={s.missing_security} to="/packages?missing_security=true" color="red" />
            <StatCard label={t("overview.overdue")} value={s.overdue} to="/packages?overdue=true" color={s.overdue ? "red" : undefined} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <SitesByStatus counts={s.sites_by_worst_status} />
            <AgeBuckets buckets={byAge.data} />
            <OldestExposures items={oldest.data} />
          </SimpleGrid>
          <Trend points={trend.data} days={TREND_DAYS} />
        </>
      )}
    </Stack>
  );
}
