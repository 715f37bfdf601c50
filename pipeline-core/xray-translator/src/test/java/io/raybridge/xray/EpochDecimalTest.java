package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EpochDecimalTest {
  private static final int VALUES = 300_000;

  /** What {@link Double#toString} says, as nanoseconds (the tenth fraction digit rounds). */
  private static long reference(double x) {
    return new BigDecimal(Double.toString(x))
        .movePointRight(9)
        .setScale(0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  private static String referencePlain(double x) {
    String plain = new BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
    return plain;
  }

  @Test
  void agreesWithDoubleToStringOnAnyDoubleItDecides() {
    SplittableRandom r = new SplittableRandom(7);
    int decided = 0;
    for (int i = 0; i < VALUES; i++) {
      double x = Math.scalb(1.0 + r.nextDouble(), 20 + r.nextInt(13));
      long fast = EpochDecimal.nanos(x);
      if (fast >= 0) {
        decided++;
        assertThat(fast).as("nanos of %s", x).isEqualTo(reference(x));
      }
      assertThat(Json.plainNanos(x)).as("plainNanos of %s", x).isEqualTo(reference(x));
    }
    assertThat(decided).isGreaterThan(VALUES / 2);
  }

  @Test
  void decidesAlmostEveryTimeThatSdksWrite() {
    SplittableRandom r = new SplittableRandom(11);
    int undecided = 0;
    for (int i = 0; i < VALUES; i++) {
      long secs = 1_000_000_000L + r.nextLong(3_000_000_000L);
      double fromNanos = Ids.seconds(secs * 1_000_000_000L + r.nextLong(1_000_000_000L));
      double fromMicros = (secs * 1_000_000L + r.nextLong(1_000_000L)) / 1e6;
      double fromMillis = (secs * 1_000L + r.nextLong(1_000L)) / 1e3;
      for (double x : new double[] {fromNanos, fromMicros, fromMillis}) {
        long fast = EpochDecimal.nanos(x);
        if (fast < 0) {
          undecided++; // a tie, left to Double.toString
        } else {
          assertThat(fast).as("nanos of %s", x).isEqualTo(reference(x));
        }
        assertThat(Json.plainNanos(x)).as("plainNanos of %s", x).isEqualTo(reference(x));
        assertThat(Json.plain(x)).isEqualTo(referencePlain(x));
      }
    }
    assertThat(undecided).isLessThan(3 * VALUES / 1000);
  }

  @Test
  void knownValues() {
    assertThat(EpochDecimal.nanos(1480615200.0102346)).isEqualTo(1480615200010234600L);
    assertThat(EpochDecimal.nanos(1.7e9)).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(EpochDecimal.nanos(1687419210.25)).isEqualTo(1_687_419_210_250_000_000L);
    assertThat(EpochDecimal.nanos(1700000000.5)).isEqualTo(1_700_000_000_500_000_000L);
    assertThat(Json.plain(1480615200.01)).isEqualTo("1480615200.01");
    assertThat(Json.plain(1.7e9)).isEqualTo("1700000000");
  }

  @Test
  void leavesWhatItDoesNotCoverToTheSlowPath() {
    // Outside [2^20, 2^33), negative, not finite.
    for (double x :
        new double[] {0, 1.5, 1_000_000.25, 9e9, -1.7e9, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThat(EpochDecimal.nanos(x)).as("%s", x).isEqualTo(-1);
    }
    // Exactly halfway between two seven-digit decimals: Double.toString decides the tie.
    double tie = 1_700_000_000 + 1 / 256.0;
    assertThat(EpochDecimal.nanos(tie)).isEqualTo(-1);
    assertThat(Json.plainNanos(tie)).isEqualTo(reference(tie));
    // Shortest form longer than nine fraction digits.
    double fine = Math.scalb(1.0, 20) + Math.scalb(1.0, -32);
    assertThat(EpochDecimal.nanos(fine)).isEqualTo(-1);
    assertThat(Json.plainNanos(fine)).isEqualTo(reference(fine));
  }
}
