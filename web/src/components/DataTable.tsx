import { Group, Pagination, Select, Table, Text, UnstyledButton, VisuallyHidden } from "@mantine/core";
import type { ReactNode } from "react";

import { useT } from "../i18n";
import { EmptyState, ErrorState, LoadingState } from "./States";
import { PER_PAGE_CHOICES, nextSort, sortDirection, type TableState } from "./tableState";

export interface Column<Row> {
  key: string;
  header: string;
  /** The API's sort field; without it the column does not sort. */
  sortField?: string;
  render: (row: Row) => ReactNode;
  /** Hidden on phone widths. */
  wide?: boolean;
}

interface Props<Row> {
  caption: string;
  columns: Column<Row>[];
  rows: Row[] | undefined;
  rowKey: (row: Row) => string;
  total: number;
  state: TableState;
  onStateChange: (change: Partial<TableState>) => void;
  isLoading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  emptyTitle: string;
  emptyHelp?: ReactNode;
}

/** A server-paginated, server-sorted table; the state lives in the URL (`useTableState`). */
export function DataTable<Row>(props: Props<Row>) {
  const t = useT();
  const { state, onStateChange, total } = props;
  if (props.error) return <ErrorState error={props.error} onRetry={props.onRetry} />;
  if (props.isLoading && !props.rows) return <LoadingState />;
  const rows = props.rows ?? [];
  const pages = Math.max(1, Math.ceil(total / state.perPage));
  const from = total === 0 ? 0 : (state.page - 1) * state.perPage + 1;
  const to = Math.min(total, state.page * state.perPage);

  return (
    <>
      <Table.ScrollContainer minWidth={480}>
        <Table striped highlightOnHover verticalSpacing="xs" aria-busy={props.isLoading || undefined}>
          <VisuallyHidden component="caption">{props.caption}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              {props.columns.map((column) => {
                const direction = column.sortField ? sortDirection(state.sort, column.sortField) : null;
                return (
                  <Table.Th
                    key={column.key}
                    visibleFrom={column.wide ? "sm" : undefined}
                    aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : undefined}
                  >
                    {column.sortField ? (
                      <UnstyledButton
                        fw={600}
                        fz="sm"
                        onClick={() => onStateChange({ sort: nextSort(state.sort, column.sortField!), page: 1 })}
                        aria-label={t("common.sortBy", { column: column.header })}
                      >
                        {column.header} {direction === "asc" ? "▲" : direction === "desc" ? "▼" : ""}
                      </UnstyledButton>
                    ) : (
                      column.header
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={props.rowKey(row)}>
                {props.columns.map((column) => (
                  <Table.Td key={column.key} visibleFrom={column.wide ? "sm" : undefined}>
                    {column.render(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rows.length === 0 && <EmptyState title={props.emptyTitle}>{props.emptyHelp}</EmptyState>}
      {total > 0 && (
      <Group justify="space-between" mt="md" wrap="wrap">
        <Text size="sm" c="dimmed" aria-live="polite">
          {t("common.pageOf", { from, to, total })}
        </Text>
        <Group gap="sm">
          <Select
            aria-label={t("common.perPage")}
            data={PER_PAGE_CHOICES.map(String)}
            value={String(state.perPage)}
            onChange={(value) => value && onStateChange({ perPage: Number(value), page: 1 })}
            w={90}
            size="xs"
            allowDeselect={false}
          />
          <Pagination size="sm" total={pages} value={Math.min(state.page, pages)} onChange={(page) => onStateChange({ page })} />
        </Group>
      </Group>
      )}
    </>
  );
}
