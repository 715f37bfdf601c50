package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives the console in headless Chromium against a running exporter that holds traces shaped like
 * {@code raybridge demo}'s shop. Uses Debian's {@code chromium} and {@code chromium-driver} ({@code
 * .ci/setup} installs them); skipped only where they are absent.
 */
class ConsoleBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static XRayLocalExporter exporter;
  private static ChromeDriver driver;
  private static String base;
  private static String faultTraceId;

  @BeforeAll
  static void startExporterAndBrowser(@TempDir Path profile) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (run .ci/setup)");
    exporter =
        (XRayLocalExporter)
            new XRayLocalExporterFactory()
                .create(
                    TestSettings.of(ComponentKind.EXPORTER, "xray_local"),
                    ConfigFixtures.bind(XRayLocalExporterConfig.class, "endpoint: 127.0.0.1:0"));
    exporter.start();
    InetSocketAddress address = exporter.address();
    base = "http://127.0.0.1:" + address.getPort();
    Shop shop = new Shop();
    faultTraceId = shop.fill();
    exporter.consume(shop.traces());

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1500,950",
        "--user-data-dir=" + profile.toAbsolutePath());
    // The driver path is given, so Selenium Manager never looks for (or downloads) a driver.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (exporter != null) {
      exporter.shutdown(Duration.ofSeconds(5));
    }
  }

  /**
   * Waits that look elements up again when the console re-renders a table under them (its rows are
   * replaced when fresh data arrives), instead of failing on the stale reference.
   */
  private static WebDriverWait waiter() {
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Clicks {@code button} inside the element {@code at} finds, looked up again if re-rendered. */
  private static void click(By at, By button) {
    waiter()
        .until(
            d -> {
              d.findElement(at).findElement(button).click();
              return true;
            });
  }

  private static void screenshot(String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  /** Loads the console afresh at {@code route}, so that no test sees another's page state. */
  private static void open(String route) {
    driver.get("about:blank");
    driver.get(base + "/#" + route);
  }

  private static WebElement node(String name) {
    return waiter()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#service-map g.node[data-name='" + name + "']")));
  }

  @Test
  void serviceMapShowsTheShopsServicesAndANodesLatencyHistogram() throws IOException {
    // Arrive the way a user does: through the navigation bar from another page.
    open("/traces");
    driver.findElement(By.cssSelector("nav a[data-page='map']")).click();
    for (String service :
        List.of("api-gateway", "checkout", "inventory", "payment", "order-worker")) {
      assertThat(node(service).getText()).contains(service);
    }
    assertThat(driver.findElements(By.cssSelector("#service-map g.edge"))).isNotEmpty();
    // The payment node carries the fault: its ring is not the healthy one.
    assertThat(node("payment").getAttribute("class")).containsAnyOf("fault", "warn");
    screenshot("service-map");

    node("checkout").click();
    WebElement panel =
        waiter()
            .until(
                ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#node-panel svg.histogram")));
    assertThat(panel.findElements(By.cssSelector("rect.bar"))).isNotEmpty();
    waiter()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#node-panel .node-traces a[href^='#/trace/']")));
    screenshot("service-map-node");
  }

  private static void runFilter(String expression) {
    WebElement input = driver.findElement(By.id("filter-input"));
    input.clear();
    input.sendKeys(expression);
    driver.findElement(By.id("filter-run")).click();
  }

  @Test
  void filterExpressionFindsTheFaultAndShowsTheParsersError() throws IOException {
    open("/traces");
    waiter()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#trace-list tr.trace-row")));
    assertThat(driver.findElements(By.cssSelector("#trace-list tr.trace-row")).size())
        .isGreaterThan(1);

    runFilter("fault");
    waiter()
        .until(
            d ->
                d.findElements(By.cssSelector("#trace-list tr.trace-row")).size() == 1
                    && !d.findElement(By.id("trace-status")).getText().startsWith("Loading"));
    WebElement row = driver.findElement(By.cssSelector("#trace-list tr.trace-row"));
    assertThat(row.getAttribute("data-trace-id")).isEqualTo(faultTraceId);
    assertThat(row.getText()).contains("POST").contains("/api/checkout").contains("502");
    screenshot("traces-filtered");

    runFilter("fault AN responsetime > 1");
    WebElement error =
        waiter().until(ExpectedConditions.visibilityOfElementLocated(By.id("filter-error")));
    assertThat(error.getText()).contains("InvalidRequestException").contains("AN");
    screenshot("traces-filter-error");
  }

  @Test
  void traceViewShowsTheTimelineAndTheFaultsCause() throws IOException {
    open("/trace/" + faultTraceId);
    waiter()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#timeline .timeline-row.segment")));
    List<String> names = new ArrayList<>();
    for (WebElement row :
        driver.findElements(By.cssSelector("#timeline .timeline-row:not(.timeline-head)"))) {
      names.add(row.getAttribute("data-name"));
    }
    assertThat(names).contains("api-gateway", "checkout", "payment");
    assertThat(driver.findElements(By.cssSelector("#timeline .timeline-row.subsegment")))
        .isNotEmpty();

    driver
        .findElement(By.cssSelector("#timeline .timeline-row.segment[data-name='payment']"))
        .click();
    WebElement cause =
        waiter()
            .until(
                ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#segment-detail .detail-cause")));
    assertThat(cause.getText()).contains("provider unavailable");
    assertThat(driver.findElement(By.cssSelector("#segment-detail .detail-http")).getText())
        .contains("500");
    screenshot("trace-timeline");
  }

  @Test
  void samplingRulesAreCreatedEditedAndDeleted() throws IOException {
    open("/sampling");
    waiter()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#rules tr[data-rule='Default']")));

    driver.findElement(By.id("rule-new")).click();
    WebElement form = driver.findElement(By.id("rule-form"));
    fill(form, "RuleName", "checkout-all");
    fill(form, "Priority", "10");
    fill(form, "FixedRate", "1");
    fill(form, "ServiceName", "checkout");
    fill(form, "URLPath", "/checkout*");
    form.findElement(By.id("rule-save")).click();
    By row = By.cssSelector("#rules tr[data-rule='checkout-all']");
    String created = waiter().until(d -> d.findElement(row).getText());
    assertThat(created).contains("checkout").contains("100.0 %");

    click(row, By.cssSelector("button.edit"));
    fill(driver.findElement(By.id("rule-form")), "FixedRate", "0.25");
    driver.findElement(By.id("rule-save")).click();
    waiter().until(d -> d.findElement(row).getText().contains("25.0 %"));
    screenshot("sampling-rules");

    click(row, By.cssSelector("button.delete"));
    driver.switchTo().alert().accept();
    waiter().until(ExpectedConditions.numberOfElementsToBe(row, 0));
    assertThat(driver.findElements(By.cssSelector("#rules tr[data-rule='Default']"))).hasSize(1);
  }

  private static void fill(WebElement form, String name, String value) {
    WebElement input = form.findElement(By.name(name));
    input.clear();
    input.sendKeys(value);
  }

  /** Traces shaped like {@code raybridge demo}'s: the same services, span kinds and attributes. */
  private static final class Shop {
    private final Map<String, List<Span>> spans = new LinkedHashMap<>();
    private final long now = System.currentTimeMillis() * 1_000_000L;
    private int traces;

    /** Builds ten requests and answers the X-Ray id of the one that faulted. */
    String fill() {
      for (int i = 0; i < 6; i++) {
        checkout(false);
      }
      String fault = checkout(true);
      throttled();
      productPage(200);
      productPage(404);
      return fault;
    }

    Traces traces() {
      List<ResourceSpans> out = new ArrayList<>();
      spans.forEach(
          (service, list) ->
              out.add(
                  ResourceSpans.newBuilder()
                      .setResource(
                          Resource.newBuilder()
                              .addAttributes(kv("service.name", service))
                              .addAttributes(kv("cloud.provider", "aws"))
                              .addAttributes(kv("cloud.platform", "aws_ecs")))
                      .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(list))
                      .build()));
      return Traces.of(out);
    }

    private static KeyValue kv(String key, String value) {
      return KeyValue.newBuilder()
          .setKey(key)
          .setValue(AnyValue.newBuilder().setStringValue(value))
          .build();
    }

    private static KeyValue kv(String key, long value) {
      return KeyValue.newBuilder()
          .setKey(key)
          .setValue(AnyValue.newBuilder().setIntValue(value))
          .build();
    }

    private static KeyValue tables(String table) {
      return KeyValue.newBuilder()
          .setKey("aws.dynamodb.table_names")
          .setValue(
              AnyValue.newBuilder()
                  .setArrayValue(
                      ArrayValue.newBuilder()
                          .addValues(AnyValue.newBuilder().setStringValue(table))))
          .build();
    }

    /** A new trace id whose first four bytes are the current epoch second, as X-Ray requires. */
    private byte[] traceId() {
      ByteBuffer b = ByteBuffer.allocate(16);
      b.putInt((int) (System.currentTimeMillis() / 1000) - 60 + traces++);
      b.putInt(ThreadLocalRandom.current().nextInt());
      b.putLong(ThreadLocalRandom.current().nextLong());
      return b.array();
    }

    private static String xrayId(byte[] id) {
      String hex = HexFormat.of().formatHex(id);
      return "1-" + hex.substring(0, 8) + "-" + hex.substring(8);
    }

    private static byte[] spanId() {
      return ByteBuffer.allocate(8).putLong(ThreadLocalRandom.current().nextLong() | 1).array();
    }

    /** Adds a span, started {@code atMs} after the trace, and answers its id. */
    private byte[] span(
        String service,
        byte[] trace,
        byte[] parent,
        String name,
        Span.SpanKind kind,
        double atMs,
        double ms,
        int status,
        List<KeyValue> attributes,
        String exception) {
      byte[] id = spanId();
      long start = now - 50_000_000_000L + (long) (atMs * 1_000_000) + traces * 1_000_000_000L;
      Span.Builder b =
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(trace))
              .setSpanId(ByteString.copyFrom(id))
              .setName(name)
              .setKind(kind)
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(start + (long) (ms * 1_000_000))
              .addAllAttributes(attributes);
      if (parent != null) {
        b.setParentSpanId(ByteString.copyFrom(parent));
      }
      if (status > 0) {
        b.addAttributes(kv("http.response.status_code", status));
      }
      if (status >= 500) {
        b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
      }
      if (exception != null) {
        b.addEvents(
            Span.Event.newBuilder()
                .setName("exception")
                .setTimeUnixNano(start + (long) (ms * 1_000_000) - 1)
                .addAttributes(kv("exception.type", "java.lang.IllegalStateException"))
                .addAttributes(kv("exception.message", exception))
                .addAttributes(
                    kv(
                        "exception.stacktrace",
                        "java.lang.IllegalStateException: "
                            + exception
                            + "\n\tat shop.payment.Charges.charge(Charges.java:88)"
                            + "\n\tat shop.payment.PaymentHandler.handle(PaymentHandler.java:41)")));
      }
      spans.computeIfAbsent(service, k -> new ArrayList<>()).add(b.build());
      return id;
    }

    private static List<KeyValue> http(String method, String url) {
      return List.of(kv("http.request.method", method), kv("url.full", url));
    }

    private static List<KeyValue> call(String method, String url, String peer) {
      return List.of(
          kv("http.request.method", method), kv("url.full", url), kv("peer.service", peer));
    }

    private void dynamo(
        String service, byte[] trace, byte[] parent, double at, String op, String t) {
      span(
          service,
          trace,
          parent,
          "DynamoDB." + op,
          Span.SpanKind.SPAN_KIND_CLIENT,
          at,
          8,
          200,
          List.of(
              kv("rpc.system", "aws-api"),
              kv("rpc.service", "DynamoDB"),
              kv("rpc.method", op),
              tables(t),
              kv("aws.region", "us-east-1")),
          null);
    }

    private String checkout(boolean fault) {
      byte[] t = traceId();
      int status = fault ? 502 : 200;
      byte[] gw =
          span(
              "api-gateway",
              t,
              null,
              "POST /api/checkout",
              Span.SpanKind.SPAN_KIND_SERVER,
              0,
              fault ? 1100 : 210,
              status,
              List.of(
                  kv("http.request.method", "POST"),
                  kv("url.full", "https://shop.example.com/api/checkout"),
                  kv("http.route", "/api/checkout"),
                  kv("customer_tier", "gold"),
                  KeyValue.newBuilder()
                      .setKey("aws.xray.annotations")
                      .setValue(
                          AnyValue.newBuilder()
                              .setArrayValue(
                                  ArrayValue.newBuilder()
                                      .addValues(
                                          AnyValue.newBuilder().setStringValue("customer_tier"))))
                      .build()),
              null);
      byte[] gwCall =
          span(
              "api-gateway",
              t,
              gw,
              "checkout",
              Span.SpanKind.SPAN_KIND_CLIENT,
              2,
              fault ? 1095 : 205,
              fault ? 500 : 200,
              call("POST", "http://checkout.shop.internal:8080/checkout", "checkout"),
              null);
      byte[] co =
          span(
              "checkout",
              t,
              gwCall,
              "POST /checkout",
              Span.SpanKind.SPAN_KIND_SERVER,
              3,
              fault ? 1090 : 200,
              fault ? 500 : 200,
              http("POST", "http://checkout.shop.internal:8080/checkout"),
              null);
      byte[] inv =
          span(
              "checkout",
              t,
              co,
              "inventory",
              Span.SpanKind.SPAN_KIND_CLIENT,
              5,
              20,
              200,
              call("POST", "http://inventory.shop.internal:8080/inventory/reserve", "inventory"),
              null);
      byte[] invServer =
          span(
              "inventory",
              t,
              inv,
              "POST /inventory/reserve",
              Span.SpanKind.SPAN_KIND_SERVER,
              6,
              17,
              200,
              http("POST", "http://inventory.shop.internal:8080/inventory/reserve"),
              null);
      dynamo("inventory", t, invServer, 8, "UpdateItem", "stock");
      byte[] pay =
          span(
              "checkout",
              t,
              co,
              "payment",
              Span.SpanKind.SPAN_KIND_CLIENT,
              27,
              fault ? 1060 : 150,
              fault ? 500 : 200,
              call("POST", "http://payment.shop.internal:8080/payments", "payment"),
              null);
      byte[] payServer =
          span(
              "payment",
              t,
              pay,
              "POST /payments",
              Span.SpanKind.SPAN_KIND_SERVER,
              28,
              fault ? 1055 : 145,
              fault ? 500 : 200,
              http("POST", "http://payment.shop.internal:8080/payments"),
              fault ? "charge could not be completed: provider unavailable" : null);
      span(
          "payment",
          t,
          payServer,
          "api.payments-provider.example",
          Span.SpanKind.SPAN_KIND_CLIENT,
          30,
          fault ? 1040 : 120,
          fault ? 502 : 201,
          List.of(
              kv("http.request.method", "POST"),
              kv("url.full", "https://api.payments-provider.example/v1/charges"),
              kv("server.address", "api.payments-provider.example")),
          null);
      if (!fault) {
        dynamo("payment", t, payServer, 152, "PutItem", "payments");
        span(
            "checkout",
            t,
            co,
            "shop-orders publish",
            Span.SpanKind.SPAN_KIND_PRODUCER,
            180,
            7,
            200,
            List.of(
                kv("rpc.system", "aws-api"),
                kv("rpc.service", "SQS"),
                kv("rpc.method", "SendMessage"),
                kv(
                    "aws.queue_url",
                    "https://sqs.us-east-1.amazonaws.com/123456789012/shop-orders")),
            null);
        // An SQS-triggered function: its own trace, as the demo's order-worker.
        byte[] w = traceId();
        byte[] invocation =
            span(
                "order-worker",
                w,
                null,
                "order-worker",
                Span.SpanKind.SPAN_KIND_SERVER,
                240,
                30,
                0,
                List.of(kv("faas.trigger", "pubsub")),
                null);
        byte[] consume =
            span(
                "order-worker",
                w,
                invocation,
                "shop-orders process",
                Span.SpanKind.SPAN_KIND_CONSUMER,
                241,
                25,
                0,
                List.of(kv("messaging.system", "aws_sqs")),
                null);
        dynamo("order-worker", w, consume, 245, "PutItem", "orders");
      }
      return xrayId(t);
    }

    private void throttled() {
      span(
          "api-gateway",
          traceId(),
          null,
          "POST /api/checkout",
          Span.SpanKind.SPAN_KIND_SERVER,
          0,
          2,
          429,
          http("POST", "https://shop.example.com/api/checkout"),
          null);
    }

    private void productPage(int status) {
      byte[] t = traceId();
      byte[] gw =
          span(
              "api-gateway",
              t,
              null,
              "GET /api/products/{id}",
              Span.SpanKind.SPAN_KIND_SERVER,
              0,
              30,
              status,
              http("GET", "https://shop.example.com/api/products/1042"),
              null);
      byte[] c =
          span(
              "api-gateway",
              t,
              gw,
              "inventory",
              Span.SpanKind.SPAN_KIND_CLIENT,
              1,
              27,
              status,
              call(
                  "GET",
                  "http://inventory.shop.internal:8080/inventory/products/1042",
                  "inventory"),
              null);
      byte[] s =
          span(
              "inventory",
              t,
              c,
              "GET /inventory/products/{id}",
              Span.SpanKind.SPAN_KIND_SERVER,
              2,
              25,
              status,
              http("GET", "http://inventory.shop.internal:8080/inventory/products/1042"),
              null);
      dynamo("inventory", t, s, 4, "GetItem", "products");
    }
  }
}
