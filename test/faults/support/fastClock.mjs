// Preloaded into a Pulse process (NODE_OPTIONS=--import) to make its clock run ahead by
// PULSE_TEST_CLOCK_SKEW_MS: Date.now() and `new Date()` both, so event times and the KafkaJS
// record timestamps it would write (CreateTime) are skewed as on a host with a wrong clock.
const skew = Number(process.env.PULSE_TEST_CLOCK_SKEW_MS ?? 0);
if (skew) {
  const RealDate = globalThis.Date;
  const realNow = RealDate.now.bind(RealDate);
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + skew);
      else super(...args);
    }
    static now() {
      return realNow() + skew;
    }
  }
  globalThis.Date = SkewedDate;
}
