import { Fieldset, NumberInput, SimpleGrid, TextInput } from "@mantine/core";
import type { GetInputPropsReturnType } from "@mantine/form";
import type { ReactNode } from "react";

import { useT, type TFunction } from "../../i18n";
import { columnsProblem, headerRowOk, type LayoutValues } from "./forms";

type InputProps = (name: keyof LayoutValues) => GetInputPropsReturnType;

/** The text of a column list's problem, or null when it is fine. */
export function columnsError(text: string, t: TFunction): string | null {
  const problem = columnsProblem(text);
  if (!problem) return null;
  switch (problem.kind) {
    case "part":
      return t("rollouts.layout.columnsPart", { part: problem.part });
    case "descending":
      return t("rollouts.layout.columnsDescending", { part: problem.part });
    case "order":
      return t("rollouts.layout.columnsOrder", { part: problem.part, after: problem.after });
    case "tooMany":
      return t("rollouts.layout.columnsTooMany", { max: problem.max });
  }
}

/** Mantine form validators of the three layout fields. */
export function layoutValidators(t: TFunction) {
  return {
    excel_columns: (v: string) => columnsError(v, t),
    excel_header_row: (v: number | string) => (headerRowOk(v) ? null : t("rollouts.layout.headerRowRange")),
  };
}

/** The Excel layout inputs (columns, header row, sheet) of a deployment or a cycle's override. */
export function LayoutFields({ inputProps, legend, description }: { inputProps: InputProps; legend: string; description?: ReactNode }) {
  const t = useT();
  return (
    <Fieldset legend={legend} variant="filled">
      {description}
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label={t("rollouts.create.excelColumns")} description={t("rollouts.create.excelColumnsHelp")} placeholder="A,C,F-G,I" maxLength={400} autoComplete="off" {...inputProps("excel_columns")} />
        <NumberInput label={t("rollouts.create.excelHeaderRow")} description={t("rollouts.create.excelHeaderRowHelp")} min={1} max={1000} allowDecimal={false} allowNegative={false} {...inputProps("excel_header_row")} />
        <TextInput label={t("rollouts.create.excelSheet")} description={t("rollouts.create.excelSheetHelp")} maxLength={100} {...inputProps("excel_sheet")} />
      </SimpleGrid>
    </Fieldset>
  );
}
