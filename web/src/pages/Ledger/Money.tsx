import { Text } from "@mantine/core";

import { amountColor, formatMoney } from "./money";

/** A signed amount: red below zero, with the sign in the text too (colour is never the only cue). */
export function Money({ amount, currency, signed = false }: { amount: string; currency: string; signed?: boolean }) {
  const color = amountColor(amount);
  const text = formatMoney(amount, currency);
  return (
    <Text span size="sm" c={signed ? color : color === "red" ? "red" : undefined} ff="monospace" style={{ whiteSpace: "nowrap" }}>
      {signed && Number(amount) > 0 ? `+${text}` : text}
    </Text>
  );
}
