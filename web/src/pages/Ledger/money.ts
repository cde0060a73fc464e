/** Money as the API sends it: decimal strings ("12.50", "-3.00") with an ISO currency. */

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string): Intl.NumberFormat | null {
  if (!formats.has(currency)) {
    try {
      formats.set(currency, new Intl.NumberFormat(undefined, { style: "currency", currency }));
    } catch {
      return null; // not an ISO currency code
    }
  }
  return formats.get(currency) ?? null;
}

/** "12.5", "EUR" -> "€12.50" (in the browser's locale); an unknown currency is appended. */
export function formatMoney(amount: string | number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  const format = formatFor(currency);
  return format ? format.format(value) : `${value.toFixed(2)} ${currency}`;
}

export function isNegative(amount: string | number | null | undefined): boolean {
  return Number(amount ?? 0) < 0;
}

/** The Mantine colour for a signed amount: red below zero, green above, none at zero. */
export function amountColor(amount: string | number | null | undefined): string | undefined {
  const value = Number(amount ?? 0);
  if (value < 0) return "red";
  if (value > 0) return "green";
  return undefined;
}
