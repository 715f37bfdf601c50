package io.raybridge.processor.headsampling;

import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.xray.sampling.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class TmpBench {
  @Test
  void bench() {
    SamplingRules rules =
        SamplingRules.of(
            List.of(
                new SamplingRule(
                    "health", 1, 0.01, 0, "*", "*", "*", "GET", "/health*", "*", null, 1),
                new SamplingRule(
                    "payments",
                    2,
                    0.5,
                    0,
                    "payment-service",
                    "*",
                    "*",
                    "*",
                    "/payment/*",
                    "*",
                    null,
                    1)),
            SamplingRule.defaultRule(0, 0.1));
    RuleSampler s = new RuleSampler(rules);
    Random r = new Random(1);
    List<TestTraces.Trace> traces = new ArrayList<>();
    for (int i = 0; i < 1000; i++)
      traces.add(
          TestTraces.trace(r, i % 2 == 0 ? "cart" : "payment-service", "POST", "/payment/" + i, 1));
    io.opentelemetry.proto.resource.v1.Resource res = TestTraces.resource("payment-service");
    long sink = 0;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      int n = 0;
      for (int k = 0; k < 200; k++)
        for (TestTraces.Trace t : traces) {
          Span sp = t.spans().get(0).span();
          SamplingRequest req = EntryRequests.from(res, sp);
          sink += s.decide(req, k * 7919L + n, 0).sampled() ? 1 : 0;
          n++;
        }
      long t1 = System.nanoTime();
      SamplingRequest req = SamplingRequest.of("payment-service", "POST", "/payment/1");
      for (int k = 0; k < n; k++) sink += s.decide(req, k * 7919L, 0).sampled() ? 1 : 0;
      long t2 = System.nanoTime();
      System.out.printf(
          "extract+decide %.0f ns, decide only %.0f ns%n",
          (t1 - t0) / (double) n, (t2 - t1) / (double) n);
    }
    System.out.println(sink);
  }
}
