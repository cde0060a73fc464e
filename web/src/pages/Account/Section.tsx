import { Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** One part of the account page: a card with a heading (no aria label: inputs own the labels). */
export function Section({ title, intro, children, id }: { title: string; intro?: ReactNode; children: ReactNode; id?: string }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" id={id}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {intro && (
          <Text size="sm" c="dimmed">
            {intro}
          </Text>
        )}
        {children}
      </Stack>
    </Paper>
  );
}
