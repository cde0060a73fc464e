import { describe, expect, it } from "vitest";

import { fileNameOf, importUuidFromLocation, rowErrorsOf } from "./importApi";

describe("rowErrorsOf", () => {
  it("reads the rows of an import_failed answer", () => {
    const body = {
      error: {
        code: "import_failed",
        message: "Nothing was imported",
        details: [
          { row: 3, column: "url", message: "not a URL" },
          { row: 1, column: "#4", message: "the header cell is empty" },
          { permission: "sites:write" },
          { field: "body.kind", message: "bad kind" },
        ],
      },
    };
    expect(rowErrorsOf(body)).toEqual([
      { row: 3, column: "url", message: "not a URL" },
      { row: 1, column: "#4", message: "the header cell is empty" },
    ]);
  });
  it("gives none for other bodies", () => {
    expect(rowErrorsOf(null)).toEqual([]);
    expect(rowErrorsOf({ error: { details: "x" } })).toEqual([]);
  });
});

describe("importUuidFromLocation", () => {
  it("takes the uuid of the record", () => {
    expect(importUuidFromLocation("/api/v1/imports/0b9f2a57-8d1e-4b0b-9a51-0f0c6f6c1d2e")).toBe("0b9f2a57-8d1e-4b0b-9a51-0f0c6f6c1d2e");
    expect(importUuidFromLocation(null)).toBeNull();
    expect(importUuidFromLocation("/api/v1/sites/x")).toBeNull();
  });
});

describe("fileNameOf", () => {
  it("reads the attachment's name", () => {
    expect(fileNameOf('attachment; filename="sites-2026-11-23.csv"', "x.csv")).toBe("sites-2026-11-23.csv");
    expect(fileNameOf(null, "x.csv")).toBe("x.csv");
  });
});
