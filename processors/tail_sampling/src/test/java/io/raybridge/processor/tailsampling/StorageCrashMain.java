package io.raybridge.processor.tailsampling;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TracesSink;

/**
 * The process that {@code TailSamplingStorageTest} kills: builds a {@code tail_sampling} processor
 * with storage in {@code args[0]} and a long {@code decision_wait}, feeds {@code args[1]} traces of
 * {@code args[2]} spans (each in two batches), prints {@code READY} and waits to be killed.
 */
final class StorageCrashMain {

  private StorageCrashMain() {}

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    int traces = Integer.parseInt(args[1]);
    int spans = Integer.parseInt(args[2]);
    Processor p =
        new TailSamplingFactory()
            .create(
                TestSettings.of(ComponentKind.PROCESSOR, "tail_sampling"),
                ConfigFixtures.bind(
                    TailSamplingConfig.class,
                    "decision_wait: 1h\n"
                        + "storage: {directory: '"
                        + dir
                        + "'}\n"
                        + "policies: [{name: all, type: always_sample}]\n"),
                new TracesSink());
    p.start();
    for (int t = 0; t < traces; t++) {
      var whole = TestSpans.whole(t, spans);
      p.consume(TestSpans.traces(whole.subList(0, spans / 2)));
      p.consume(TestSpans.traces(whole.subList(spans / 2, spans)));
    }
    System.out.println("READY");
    System.out.flush();
    // Wait to be killed. Spans are in the OS page cache once consume returned, which is all a
    // kill -9 needs; the storage thread may also have forced them to disk meanwhile.
    Thread.sleep(Long.MAX_VALUE);
  }
}
