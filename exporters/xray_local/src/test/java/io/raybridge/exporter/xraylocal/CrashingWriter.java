package io.raybridge.exporter.xraylocal;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.testing.TestSettings;
import io.raybridge.xray.SegmentCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The child process of {@link CrashRecoveryTest}: stores documents in {@code args[0]}, prints each
 * trace id it stored, then {@code READY}, and keeps writing until it is killed.
 */
public final class CrashingWriter {

  private CrashingWriter() {}

  public static void main(String[] args) throws Exception {
    TraceStore store =
        new TraceStore(
            TestSettings.of(ComponentKind.EXPORTER, "xray_local"),
            Long.MAX_VALUE,
            Duration.ofDays(30),
            Path.of(args[0]));
    store.load();
    int count = Integer.parseInt(args[1]);
    for (int i = 0; i < count; i++) {
      String trace = Docs.traceId(1_700_000_000L + i);
      long t = 1_700_000_000L + i;
      store.put(
          List.of(SegmentCodec.parseOne(Docs.segment(trace, Docs.id(), null, "w", t, t + 1, ""))));
      System.out.println("TRACE " + trace);
    }
    System.out.println("READY");
    System.out.flush();
    // Keep writing so that the kill is likely to land in the middle of a line.
    for (long i = 0; ; i++) {
      String trace = Docs.traceId(1_800_000_000L + i);
      store.put(
          List.of(
              SegmentCodec.parseOne(
                  Docs.segment(trace, Docs.id(), null, "after", 1.0e9, 1.0e9 + 1, ""))));
    }
  }
}
