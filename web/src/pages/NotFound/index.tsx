import { Button } from "@mantine/core";
import { Link } from "react-router";

import { EmptyState } from "../../components/States";
import { useT } from "../../i18n";

export default function NotFound() {
  const t = useT();
  return (
    <EmptyState
      title={t("common.notFound")}
      action={
        <Button component={Link} to="/" variant="light">
          {t("common.backHome")}
        </Button>
      }
    />
  );
}
