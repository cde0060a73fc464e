import { describe, expect, it } from "vitest";

import {
  collectionCreateBody,
  collectionUpdateBody,
  columnIndex,
  columnLetters,
  columnsProblem,
  cycleCreateBody,
  cycleUpdateBody,
  cycleValuesOf,
  deploymentUpdateBody,
  deploymentValuesOf,
  fromLocalInput,
  headerRowOk,
  layoutBodyOf,
  newCycleValues,
  placeApiError,
  ringOk,
  thresholdsProblem,
  toLocalInput,
} from "./forms";
import type { Deployment, RolloutCycle } from "./queries";

const deployment: Deployment = {
  uuid: "d1",
  title: "Win10_CU",
  description: "",
  excel_columns: "A,C,F-G,I",
  excel_header_row: 2,
  excel_sheet: null,
  rag_thresholds: { green_installed: 95, amber_installed: 80, amber_failed: 5, red_failed: 20 },
  cycles: 3,
  created_at: "2026-05-01T00:00:00Z",
  updated_at: "2026-05-01T00:00:00Z",
};

const cycle: RolloutCycle = {
  uuid: "c1",
  deployment_uuid: "d1",
  deployment_title: "Win10_CU",
  title: "May",
  started_at: "2026-05-01T08:00:00Z",
  deadline: "2026-05-31T18:00:00Z",
  is_active: true,
  rag_status: "amber",
  rag_note: "",
  rag_source: "rules",
  rag_changed_at: null,
  excel_columns: null,
  excel_header_row: null,
  excel_sheet: "Devices",
  effective_layout: { excel_columns: "A,C,F-G,I", excel_header_row: 2, excel_sheet: "Devices" },
  created_at: "2026-05-01T00:00:00Z",
  updated_at: "2026-05-01T00:00:00Z",
};

describe("columnsProblem", () => {
  it("accepts letters and ascending ranges, in any case and with spaces, and empty text", () => {
    expect(columnsProblem("A,C,F-G,I")).toBeNull();
    expect(columnsProblem(" a, c ,f - g,i ")).toBeNull();
    expect(columnsProblem("Z,AA-AC")).toBeNull();
    expect(columnsProblem("")).toBeNull();
  });
  it("names the part that is not a column or range", () => {
    expect(columnsProblem("A;B")).toEqual({ kind: "part", part: "A;B" });
    expect(columnsProblem("1,2")).toEqual({ kind: "part", part: "1" });
    expect(columnsProblem("A,,C")).toEqual({ kind: "part", part: "" });
    expect(columnsProblem("ABCD")).toEqual({ kind: "part", part: "ABCD" });
  });
  it("refuses ranges that go down, columns out of order or twice", () => {
    expect(columnsProblem("G-F")).toEqual({ kind: "descending", part: "G-F" });
    expect(columnsProblem("C,A")).toEqual({ kind: "order", part: "A", after: "C" });
    expect(columnsProblem("A-C,C")).toEqual({ kind: "order", part: "C", after: "C" });
  });
  it("allows at most 100 columns", () => {
    expect(columnsProblem(`A-${columnLetters(99)}`)).toBeNull();
    expect(columnsProblem(`A-${columnLetters(100)}`)).toEqual({ kind: "tooMany", max: 100 });
  });
  it("converts letters and indexes both ways", () => {
    expect(columnIndex("A")).toBe(0);
    expect(columnIndex("AA")).toBe(26);
    expect(columnLetters(25)).toBe("Z");
    expect(columnLetters(26)).toBe("AA");
    expect(columnLetters(columnIndex("XFD"))).toBe("XFD");
  });
});

describe("layout values", () => {
  it("sends empty fields as null (the default) and columns in the API's spelling", () => {
    expect(layoutBodyOf({ excel_columns: " a, f-g ", excel_header_row: "", excel_sheet: "  " })).toEqual({ excel_columns: "A,F-G", excel_header_row: null, excel_sheet: null });
    expect(layoutBodyOf({ excel_columns: "", excel_header_row: 3, excel_sheet: "Sheet2" })).toEqual({ excel_columns: null, excel_header_row: 3, excel_sheet: "Sheet2" });
  });
  it("checks the header row", () => {
    expect(headerRowOk("")).toBe(true);
    expect(headerRowOk(1)).toBe(true);
    expect(headerRowOk(1000)).toBe(true);
    expect(headerRowOk(0)).toBe(false);
    expect(headerRowOk(1.5)).toBe(false);
    expect(headerRowOk(1001)).toBe(false);
  });
});

describe("deployment form", () => {
  it("sends only what changed", () => {
    const before = deploymentValuesOf(deployment);
    expect(deploymentUpdateBody(before, before)).toEqual({});
    expect(deploymentUpdateBody(before, { ...before, title: " Win11_CU " })).toEqual({ title: "Win11_CU" });
    expect(deploymentUpdateBody(before, { ...before, excel_columns: "", excel_sheet: "Data" })).toEqual({ excel_columns: null, excel_sheet: "Data" });
  });
  it("sends the four thresholds together when one changed", () => {
    const before = deploymentValuesOf(deployment);
    expect(deploymentUpdateBody(before, { ...before, red_failed: "25" })).toEqual({
      rag_thresholds: { green_installed: 95, amber_installed: 80, amber_failed: 5, red_failed: 25 },
    });
  });
  it("finds thresholds out of order", () => {
    const ok = { green_installed: 95, amber_installed: 80, amber_failed: 5, red_failed: 20 };
    expect(thresholdsProblem(ok)).toBeNull();
    expect(thresholdsProblem({ ...ok, amber_installed: 96 })).toBe("amber_installed");
    expect(thresholdsProblem({ ...ok, amber_failed: 21 })).toBe("amber_failed");
    expect(thresholdsProblem({ ...ok, red_failed: "" })).toBeNull(); // the empty field says so itself
  });
});

describe("cycle form", () => {
  it("round-trips instants through datetime-local values", () => {
    const local = toLocalInput("2026-05-21T00:00:00Z");
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(local)).toBe("2026-05-21T00:00:00.000Z");
    expect(toLocalInput(null)).toBe("");
    expect(toLocalInput("nonsense")).toBe("");
  });
  it("refuses date-times that do not exist", () => {
    expect(fromLocalInput("2026-02-30T10:00")).toBeNull();
    expect(fromLocalInput("2026-05-21")).toBeNull();
    expect(fromLocalInput("")).toBeNull();
  });
  it("builds a creation body: UTC instants, no deadline when empty, the layout override", () => {
    const values = { ...newCycleValues(new Date("2026-05-01T08:00:00Z")), title: " May ", excel_columns: "a-i" };
    expect(cycleCreateBody(values)).toEqual({
      title: "May",
      started_at: "2026-05-01T08:00:00.000Z",
      deadline: null,
      is_active: true,
      rag_note: "",
      excel_columns: "A-I",
      excel_header_row: null,
      excel_sheet: null,
    });
  });
  it("sends only what changed, leaving an untouched deadline out", () => {
    const before = cycleValuesOf(cycle);
    expect(cycleUpdateBody(before, before)).toEqual({});
    expect(cycleUpdateBody(before, { ...before, is_active: false, title: "May 2026" })).toEqual({ is_active: false, title: "May 2026" });
    expect(cycleUpdateBody(before, { ...before, deadline: "" })).toEqual({ deadline: null });
    expect(cycleUpdateBody(before, { ...before, excel_sheet: "" })).toEqual({ excel_sheet: null });
    const later = toLocalInput("2026-06-15T18:00:00Z");
    expect(cycleUpdateBody(before, { ...before, deadline: later })).toEqual({ deadline: "2026-06-15T18:00:00.000Z" });
  });
});

describe("collection form", () => {
  it("checks rings and builds bodies", () => {
    expect(ringOk(0)).toBe(true);
    expect(ringOk(99)).toBe(true);
    expect(ringOk(100)).toBe(false);
    expect(ringOk("")).toBe(false);
    expect(ringOk(1.5)).toBe(false);
    expect(collectionCreateBody({ name: " Pilot ", ring: "1" })).toEqual({ name: "Pilot", ring: 1 });
    expect(collectionUpdateBody({ name: "Pilot", ring: 1 }, { name: "Pilot", ring: 2 })).toEqual({ ring: 2 });
    expect(collectionUpdateBody({ name: "Pilot", ring: 1 }, { name: "Pilot ", ring: 1 })).toEqual({});
  });
});

describe("placeApiError", () => {
  const fields = ["title", "excel_columns", "green_installed", "rag_thresholds"];
  const aliases = { "rag_thresholds.green_installed": "green_installed" };

  it("puts field errors next to their fields, through aliases and parent paths", () => {
    const placed = placeApiError(
      {
        message: "The request is not valid.",
        code: "invalid",
        fieldErrors: {
          excel_columns: "Value error, 'A;B' is not a column letter or a range such as F-G",
          "rag_thresholds.green_installed": "Input should be less than or equal to 100",
          "title.0": "too long",
        },
      },
      fields,
      { aliases },
    );
    expect(placed).toEqual({
      fields: {
        excel_columns: "'A;B' is not a column letter or a range such as F-G",
        green_installed: "Input should be less than or equal to 100",
        title: "too long",
      },
      form: null,
    });
  });
  it("places an error by its code, and keeps what names no field for above the form", () => {
    expect(placeApiError({ message: "There is already a deployment 'X'.", code: "deployment_exists", fieldErrors: {} }, fields, { codes: { deployment_exists: "title" } })).toEqual({
      fields: { title: "There is already a deployment 'X'." },
      form: null,
    });
    expect(placeApiError({ message: "The request is not valid.", fieldErrors: { page: "bad" } }, fields)).toEqual({ fields: {}, form: "The request is not valid. page: bad" });
    expect(placeApiError({ message: "Forbidden", code: "forbidden" }, fields)).toEqual({ fields: {}, form: "Forbidden" });
  });
});
