import { Grid, Stack, Text, Title } from "@mantine/core";

import { useCan } from "../../auth/session";
import { useT } from "../../i18n";
import { ExportLinks } from "./ExportLinks";
import { ImportsHistory } from "./ImportsHistory";
import { UploadForm } from "./UploadForm";

export default function Imports() {
  const t = useT();
  const canWrite = useCan("imports:write");
  return (
    <Stack>
      <Stack gap={4}>
        <Title order={1} size="h2">
          {t("operations.imports.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("operations.imports.intro")}
        </Text>
      </Stack>
      <Grid>
        <Grid.Col span={{ base: 12, lg: canWrite ? 8 : 12 }}>{canWrite && <UploadForm />}</Grid.Col>
        <Grid.Col span={{ base: 12, lg: canWrite ? 4 : 12 }}>
          <ExportLinks />
        </Grid.Col>
      </Grid>
      <ImportsHistory />
    </Stack>
  );
}
