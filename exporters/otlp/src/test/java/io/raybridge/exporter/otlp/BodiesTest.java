package io.raybridge.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class BodiesTest {

  /** Text-like bytes that compress well, and better at higher levels. */
  private static byte[] body() {
    String[] words = {"span", "trace", "GET", "/orders", "db", "SELECT", "status", "200", "ok"};
    Random random = new Random(3);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 200_000) {
      sb.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void gzipRunsAtTheGivenLevel() throws IOException {
    byte[] body = body();
    byte[] fastest = Bodies.compress(body, Compression.GZIP, 1);
    byte[] smallest = Bodies.compress(body, Compression.GZIP, 9);
    assertThat(gunzip(fastest)).isEqualTo(body);
    assertThat(gunzip(smallest)).isEqualTo(body);
    assertThat(smallest.length).isLessThan(fastest.length);
    assertThat(gunzip(Bodies.compress(body, Compression.GZIP, -1))).isEqualTo(body);
  }

  @Test
  void zstdRunsAtTheGivenLevel() {
    byte[] body = body();
    byte[] fast = Bodies.compress(body, Compression.ZSTD, 1);
    byte[] small = Bodies.compress(body, Compression.ZSTD, 19);
    assertThat(Zstd.decompress(fast, body.length)).isEqualTo(body);
    assertThat(Zstd.decompress(small, body.length)).isEqualTo(body);
    assertThat(small.length).isLessThan(fast.length);
  }

  @Test
  void noneLeavesTheBodyAsItIs() {
    byte[] body = body();
    assertThat(Bodies.compress(body, Compression.NONE, 0)).isSameAs(body);
  }
}
