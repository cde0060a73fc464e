import { Anchor, Paper, Text } from "@mantine/core";
import { Link } from "react-router";

/** One headline number that opens the list behind it. */
export function StatCard({ label, value, to, color }: { label: string; value: number; to: string; color?: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Anchor component={Link} to={to} fz={32} fw={700} c={color} underline="hover" aria-label={`${label}: ${value}`}>
        {value.toLocaleString()}
      </Anchor>
    </Paper>
  );
}
