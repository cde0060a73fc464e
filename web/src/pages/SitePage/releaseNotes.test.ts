import { describe, expect, it } from "vitest";

import { safeNext } from "../SignIn";
import { releaseNotesUrl } from "./releaseNotes";

describe("releaseNotesUrl", () => {
  it("links Drupal projects to drupal.org", () => {
    expect(releaseNotesUrl("drupal", "views", "8.x-3.1")).toBe("https://www.drupal.org/project/views/releases/8.x-3.1");
  });
  it("prefers the catalog's release page, if it is http(s)", () => {
    expect(releaseNotesUrl("pypi", "django", "5.0", "https://docs.djangoproject.com/en/5.0/releases/5.0/")).toBe(
      "https://docs.djangoproject.com/en/5.0/releases/5.0/",
    );
    expect(releaseNotesUrl("drupal", "views", "8.x-3.1", "javascript:alert(1)")).toBe("https://www.drupal.org/project/views/releases/8.x-3.1");
    expect(releaseNotesUrl("pypi", "django", "5.0", "javascript:alert(1)")).toBeNull();
  });
  it("gives none for other ecosystems or odd names", () => {
    expect(releaseNotesUrl("pypi", "django", "5.0")).toBeNull();
    expect(releaseNotesUrl("drupal", "../x", "1.0")).toBeNull();
    expect(releaseNotesUrl("drupal", "views", null)).toBeNull();
  });
});

describe("safeNext", () => {
  it("only follows paths of this app", () => {
    expect(safeNext("/sites?status=current")).toBe("/sites?status=current");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
