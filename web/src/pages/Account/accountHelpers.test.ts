import { describe, expect, it } from "vitest";

import { ApiError } from "../../api/errors";
import { backupCodesText, onFields, qrImageSrc } from "./accountHelpers";

const error = (code: string, fieldErrors: Record<string, string> = {}) =>
  new ApiError({ status: 403, code, message: "The password is wrong.", fieldErrors });

describe("onFields", () => {
  it("puts a field-less error on the field its code names", () => {
    const out = onFields(error("invalid_credentials"), { codes: { invalid_credentials: "current_password" } }) as ApiError;
    expect(out.fieldErrors).toEqual({ current_password: "The password is wrong." });
    expect(out.code).toBe("invalid_credentials");
  });
  it("renames fields", () => {
    const out = onFields(error("weak_password", { password: "too short" }), { rename: { password: "new_password" } }) as ApiError;
    expect(out.fieldErrors).toEqual({ new_password: "too short" });
  });
  it("leaves other errors alone", () => {
    const plain = new Error("x");
    expect(onFields(plain, {})).toBe(plain);
  });
});

describe("backupCodesText", () => {
  it("lists one code a line", () => {
    expect(backupCodesText(["a", "b"], "Codes")).toBe("Codes\n\na\nb\n");
  });
});

describe("qrImageSrc", () => {
  const encode = (svg: string) => `data:image/svg+xml;base64,${btoa(svg)}`;
  it("adds the SVG namespace browsers need", () => {
    const src = qrImageSrc(encode('<svg width="8"><path d="M0 0"/></svg>'));
    expect(decodeURIComponent(src.split(",")[1]!)).toBe('<svg xmlns="http://www.w3.org/2000/svg" width="8"><path d="M0 0"/></svg>');
  });
  it("keeps a complete SVG and other images as they are", () => {
    const ok = encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    expect(qrImageSrc(ok)).toBe(ok);
    expect(qrImageSrc("data:image/png;base64,AAAA")).toBe("data:image/png;base64,AAAA");
  });
});
