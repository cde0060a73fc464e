import { Anchor, Badge, Drawer, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { api, data } from "../../api/client";
import { ErrorState, LoadingState } from "../../components/States";
import { formatDate } from "../../format";
import { useT } from "../../i18n";
import { describeRange } from "./ranges";
import { SeverityBadge } from "./SeverityBadge";

/** One advisory in full: aliases, dates, and each affected package's versions and fixes. */
export function AdvisoryDrawer({ uuid, onClose }: { uuid: string | null; onClose: () => void }) {
  const t = useT();
  const advisory = useQuery({
    queryKey: ["advisories", uuid],
    queryFn: () => data(api.GET("/catalog/advisories/{advisory_uuid}", { params: { path: { advisory_uuid: uuid! } } })),
    enabled: uuid !== null,
  });
  const a = advisory.data;

  return (
    <Drawer
      opened={uuid !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={a ? t("work.advisories.details", { id: a.id }) : t("common.loading")}
      closeButtonProps={{ "aria-label": t("work.advisories.close") }}
    >
      {advisory.error ? (
        <ErrorState error={advisory.error} onRetry={() => void advisory.refetch()} />
      ) : !a ? (
        <LoadingState />
      ) : (
        <Stack>
          <Group gap="xs">
            <SeverityBadge severity={a.severity} />
            {a.withdrawn_at && (
              <Badge color="gray" variant="outline" radius="sm">
                {t("work.advisories.withdrawn")} {formatDate(a.withdrawn_at)}
              </Badge>
            )}
          </Group>
          <Title order={3} size="h4">
            {a.title}
          </Title>
          <Table variant="vertical" layout="fixed" withTableBorder>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={140}>{t("work.advisories.aliases")}</Table.Th>
                <Table.Td>{a.aliases.length ? a.aliases.join(", ") : t("common.none")}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t("work.advisories.published")}</Table.Th>
                <Table.Td>{formatDate(a.published_at)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t("work.advisories.modified")}</Table.Th>
                <Table.Td>{formatDate(a.modified_at)}</Table.Td>
              </Table.Tr>
              {a.url && (
                <Table.Tr>
                  <Table.Th>{t("work.advisories.source")}</Table.Th>
                  <Table.Td style={{ wordBreak: "break-all" }}>
                    <Anchor href={a.url} target="_blank" rel="noreferrer" size="sm">
                      {a.url}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          <Title order={3} size="h5">
            {t("work.advisories.affected")}
          </Title>
          {a.affected.map((p) => (
            <Stack key={`${p.ecosystem}/${p.package}`} gap={4} p="sm" style={{ border: "1px solid var(--mantine-color-default-border)", borderRadius: "var(--mantine-radius-md)" }}>
              <Group gap="xs">
                <Anchor component={Link} to={`/packages/${encodeURIComponent(p.ecosystem)}/${encodeURIComponent(p.package)}`} fw={600} aria-label={t("work.advisories.openPackage", { name: p.package })}>
                  {p.package}
                </Anchor>
                <Badge variant="default" size="sm" radius="sm" tt="none">
                  {p.ecosystem}
                </Badge>
              </Group>
              <Text size="sm">
                <Text span c="dimmed" size="sm">
                  {t("work.advisories.ranges")}:{" "}
                </Text>
                {p.ranges.map(describeRange).filter(Boolean).join("; ") || t("work.advisories.none")}
              </Text>
              {p.versions.length > 0 && (
                <Text size="sm">
                  <Text span c="dimmed" size="sm">
                    {t("work.advisories.versions")}:{" "}
                  </Text>
                  {p.versions.join(", ")}
                </Text>
              )}
              <Text size="sm">
                <Text span c="dimmed" size="sm">
                  {t("work.advisories.fixed")}:{" "}
                </Text>
                {p.fixed_versions.length ? p.fixed_versions.join(", ") : t("work.advisories.none")}
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
    </Drawer>
  );
}
