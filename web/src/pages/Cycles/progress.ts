/** A cycle's progress as the shares of a bar: done on time, done late, failed, remaining. */
export interface ProgressLike {
  targets: number;
  done: number;
  remaining: number;
  failed: number;
  done_on_time: number;
  done_late: number;
}

export interface ProgressShares {
  onTime: number;
  late: number;
  failed: number;
  remaining: number;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Percent shares (one decimal) of the bar; all zero when there are no targets. */
export function progressShares(p: ProgressLike): ProgressShares {
  if (p.targets <= 0) return { onTime: 0, late: 0, failed: 0, remaining: 0 };
  const share = (n: number) => round((Math.max(0, n) / p.targets) * 100);
  return { onTime: share(p.done_on_time), late: share(p.done_late), failed: share(p.failed), remaining: share(p.remaining) };
}
