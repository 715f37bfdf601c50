package io.raybridge.xray;

/**
 * The shortest decimal form of an epoch-seconds double, as whole nanoseconds, computed with integer
 * arithmetic instead of {@link Double#toString}.
 *
 * <p>X-Ray times are doubles such as {@code 1480615200.0102346}; what the sender meant is the
 * shortest decimal that reads back as the same double, which for present-day epochs has at most
 * seven fraction digits. Formatting the double and reading the digits back gives that decimal but
 * costs a few hundred nanoseconds a value; this finds it directly.
 *
 * <p>For a double {@code x = m·2⁻ᵏ} the decimals that read back as {@code x} are those within half
 * a unit in the last place of it. For each number of fraction digits {@code f} from 0 to 9, the
 * nearest {@code f}-digit decimal is {@code c = round(m·10ᶠ / 2ᵏ)}; the first {@code f} for which
 * it lies within that half unit gives the shortest form. A decimal with at most nine fraction
 * digits can never lie exactly on the half-unit boundary here ({@code 2ᵏ} with {@code k ≥ 20} does
 * not divide {@code 10ᶠ·2ᵏ⁻¹·odd}), so no tie rule is needed there; a tie between two nearest
 * candidates (the double exactly halfway between them) is left to the slow path, which decides it
 * the way {@link Double#toString} does.
 *
 * <p>Covered: doubles in [2²⁰, 2³³), about 12 days to 272 years after the epoch, whose shortest
 * form has at most nine fraction digits. {@code -1} otherwise.
 */
final class EpochDecimal {
  private static final long[] POW10 = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };

  private EpochDecimal() {}

  /**
   * Returns the shortest decimal form of {@code x} in nanoseconds, or {@code -1} where this class
   * does not decide it (see the class comment).
   */
  static long nanos(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) ((bits >>> 52) & 0x7ff) - 1023;
    if (exponent < 20 || exponent > 32 || bits < 0) {
      return -1;
    }
    long m = (bits & 0x000f_ffff_ffff_ffffL) | 0x0010_0000_0000_0000L;
    int k = 52 - exponent; // x = m / 2^k, 20 <= k <= 32
    long mask = (1L << k) - 1;
    long half = 1L << (k - 1);
    for (int f = 0; f <= 9; f++) {
      long p = POW10[f];
      long hi = Math.multiplyHigh(m, p);
      long lo = m * p;
      long quotient = (hi << (64 - k)) | (lo >>> k);
      long rest = lo & mask;
      if (rest == half) {
        if (2 * half < p) {
          return -1; // both neighbours read back as x: Double.toString breaks the tie
        }
        continue; // both neighbours are too far from x
      }
      long c;
      long distance;
      if (rest < half) {
        c = quotient;
        distance = rest;
      } else {
        c = quotient + 1;
        distance = (1L << k) - rest;
      }
      // |c/10^f - m/2^k| < 2^-(k+1)  <=>  |c·2^k - m·10^f| < 10^f / 2
      if (2 * distance < p) {
        return c * POW10[9 - f];
      }
    }
    return -1;
  }
}
