/** A clock for the detector's `now` option that moves only when a test moves it. */
export function fakeClock(start = 1_718_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms),
    set: (ms: number) => void (now = ms),
  };
}
