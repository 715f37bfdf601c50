package io.raybridge.pipeline.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpServersTest {

  @Test
  void serversAnswerWithNagleOff() throws Exception {
    HttpServer server =
        HttpServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // The JDK server reads the switch when its first server starts: it must be on by now.
    assertThat(System.getProperty(HttpServers.NO_DELAY)).isEqualTo("true");
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")
                  .toURL()
                  .openConnection();
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("ok");
    } finally {
      server.stop(0);
    }
  }
}
