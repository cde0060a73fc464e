import { describe, expect, it } from "vitest";

import { fieldName, isApiError, toApiError } from "./errors";

describe("toApiError", () => {
  it("maps the error envelope and its field details", () => {
    const error = toApiError(
      422,
      {
        error: {
          code: "invalid",
          message: "Some fields are not valid.",
          details: [
            { field: "body.password", message: "Too short." },
            { field: "body.password", message: "Second message is ignored." },
            { field: "body.site.url", message: "Not a URL." },
            { field: null, message: "No field." },
          ],
        },
      },
      "fallback",
    );
    expect(error.status).toBe(422);
    expect(error.code).toBe("invalid");
    expect(error.message).toBe("Some fields are not valid.");
    expect(error.fieldErrors).toEqual({ password: "Too short.", "site.url": "Not a URL." });
    expect(isApiError(error, "invalid")).toBe(true);
  });

  it("falls back when the body is not an envelope", () => {
    const error = toApiError(502, "<html>Bad gateway</html>", "The server answered with an error (502).");
    expect(error.code).toBe("http_error");
    expect(error.message).toBe("The server answered with an error (502).");
    expect(error.fieldErrors).toEqual({});
  });

  it("reads Retry-After for lockouts", () => {
    const error = toApiError(429, { error: { code: "too_many_attempts", message: "Wait." } }, "x", "900");
    expect(error.retryAfter).toBe(900);
  });
});

describe("fieldName", () => {
  it("drops the location prefix only", () => {
    expect(fieldName("body.password")).toBe("password");
    expect(fieldName("query.page")).toBe("page");
    expect(fieldName("password")).toBe("password");
    expect(fieldName("body")).toBe("body");
  });
});
