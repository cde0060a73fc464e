/** OSV ranges as people read them: `{type, events: [{introduced}, {fixed}]}` -> ">= 1.0, < 1.2". */

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export function describeRange(range: Record<string, unknown>): string {
  const events = Array.isArray(range.events) ? (range.events as OsvEvent[]) : [];
  const parts: string[] = [];
  for (const event of events) {
    if (event.introduced !== undefined) parts.push(event.introduced === "0" ? "*" : `>= ${event.introduced}`);
    if (event.fixed !== undefined) parts.push(`< ${event.fixed}`);
    if (event.last_affected !== undefined) parts.push(`<= ${event.last_affected}`);
    if (event.limit !== undefined) parts.push(`< ${event.limit} (limit)`);
  }
  const text = parts.join(", ").replace(/^\*, /, "");
  const type = typeof range.type === "string" ? range.type : "";
  return type && text ? `${text} (${type})` : text || type;
}
