package io.raybridge.receiver.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.config.TlsServerConfig;
import io.raybridge.pipeline.otlp.OtlpJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * OTLP/HTTP on Netty: {@code POST <traces_url_path>} with protobuf or JSON bodies. Requests are
 * checked on the event loop (path, method, auth, content type), then decoded and handed to the
 * pipeline on a bounded executor, so a slow pipeline never stalls the event loop. While a request
 * is in flight its connection reads nothing more, which keeps responses in request order.
 */
final class HttpServer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON_TYPE = "application/json";

  // google.rpc.Code values used in the Status bodies of error responses.
  private static final int INVALID_ARGUMENT = 3;
  private static final int NOT_FOUND = 5;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int UNIMPLEMENTED = 12;
  private static final int UNAVAILABLE = 14;
  private static final int UNAUTHENTICATED = 16;

  private final OtlpReceiverConfig.HttpConfig config;
  private final TraceIngest ingest;
  private final BearerToken token;
  private final ExecutorService executor;
  private final ThreadFactory threadFactory;
  private final CorsPolicy cors;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private EventLoopGroup group;
  private Channel serverChannel;

  HttpServer(
      OtlpReceiverConfig.HttpConfig config,
      TraceIngest ingest,
      BearerToken token,
      ExecutorService executor,
      ThreadFactory threadFactory) {
    this.config = config;
    this.ingest = ingest;
    this.token = token;
    this.executor = executor;
    this.threadFactory = threadFactory;
    this.cors = config.cors() == null ? null : new CorsPolicy(config.cors());
  }

  /** Binds and starts serving; returns the bound address. */
  InetSocketAddress start() throws IOException {
    SslContext ssl = config.tls() == null ? null : sslContext(config.tls());
    int maxBody = Math.toIntExact(config.maxRequestBodySize());
    group =
        new MultiThreadIoEventLoopGroup(
            Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors())),
            threadFactory,
            NioIoHandler.newFactory());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ChannelPipeline p = ch.pipeline();
                    if (ssl != null) {
                      p.addLast(ssl.newHandler(ch.alloc()));
                    }
                    p.addLast(new HttpServerCodec());
                    p.addLast(new HttpServerKeepAliveHandler());
                    p.addLast(new HttpObjectAggregator(maxBody));
                    p.addLast(new RequestHandler());
                  }
                });
    try {
      serverChannel = b.bind(Endpoints.resolve(config.endpoint())).sync().channel();
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      group = null;
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw OtlpReceiver.bindFailure("HTTP", config.endpoint(), e);
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Stops accepting connections, lets requests in flight finish (their responses included), then
   * closes every connection, within {@code timeout}.
   */
  void shutdown(Duration timeout) throws InterruptedException {
    if (group == null) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    serverChannel.close().await(timeout.toMillis());
    executor.shutdown();
    executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    // Responses written by the executor are queued on the event loops; closing flushes them first.
    channels.close().await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    group
        .shutdownGracefully(0, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
        .await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
  }

  private static SslContext sslContext(TlsServerConfig tls) throws IOException {
    SslContextBuilder b =
        SslContextBuilder.forServer(new File(tls.certFile()), new File(tls.keyFile()))
            .protocols(tls.protocols());
    if (tls.requiresClientAuth()) {
      b.trustManager(tls.clientCaPath().orElseThrow().toFile()).clientAuth(ClientAuth.REQUIRE);
    }
    return b.build();
  }

  private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String origin = req.headers().get(HttpHeaderNames.ORIGIN);
      boolean corsOk = cors != null && cors.allowsOrigin(origin);
      String path = new QueryStringDecoder(req.uri()).path();
      if (!path.equals(config.tracesUrlPath())) {
        respondError(ctx, req, HttpResponseStatus.NOT_FOUND, NOT_FOUND, "no such path: " + path);
        return;
      }
      if (req.method().equals(HttpMethod.OPTIONS) && cors != null) {
        preflight(ctx, req, origin, corsOk);
        return;
      }
      if (!req.method().equals(HttpMethod.POST)) {
        FullHttpResponse r =
            errorResponse(
                req,
                HttpResponseStatus.METHOD_NOT_ALLOWED,
                UNIMPLEMENTED,
                "method " + req.method() + " not allowed; use POST");
        r.headers().set(HttpHeaderNames.ALLOW, cors == null ? "POST" : "POST, OPTIONS");
        write(ctx, req, r, corsOk ? origin : null);
        return;
      }
      if (token != null && !token.matches(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
        FullHttpResponse r =
            errorResponse(
                req,
                HttpResponseStatus.UNAUTHORIZED,
                UNAUTHENTICATED,
                "missing or invalid bearer token");
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        write(ctx, req, r, corsOk ? origin : null);
        return;
      }
      String type = mediaType(req);
      if (!type.equals(PROTOBUF) && !type.equals(JSON_TYPE)) {
        respondError(
            ctx,
            req,
            HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            INVALID_ARGUMENT,
            "unsupported content type '"
                + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
                + "'; use "
                + PROTOBUF
                + " or "
                + JSON_TYPE);
        return;
      }
      String encoding =
          req.headers()
              .get(HttpHeaderNames.CONTENT_ENCODING, "identity")
              .strip()
              .toLowerCase(Locale.ROOT);
      if (!encoding.equals("identity")
          && !encoding.equals("gzip")
          && !encoding.equals("deflate")
          && !encoding.equals("zstd")) {
        respondError(
            ctx,
            req,
            HttpResponseStatus.BAD_REQUEST,
            INVALID_ARGUMENT,
            "unsupported content encoding '" + encoding + "'; use gzip, zstd, deflate or none");
        return;
      }
      byte[] body = ByteBufUtil.getBytes(req.content());
      FullHttpRequest head = req.replace(Unpooled.EMPTY_BUFFER);
      String allowOrigin = corsOk ? origin : null;
      ctx.channel().config().setAutoRead(false);
      try {
        executor.execute(() -> process(ctx, head, type, encoding, body, allowOrigin));
      } catch (RejectedExecutionException e) {
        FullHttpResponse r =
            errorResponse(
                head, HttpResponseStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, "receiver is busy");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        write(ctx, head, r, allowOrigin);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset connection or a failed TLS handshake concerns that client only.
      ctx.close();
    }

    private void process(
        ChannelHandlerContext ctx,
        FullHttpRequest req,
        String type,
        String encoding,
        byte[] body,
        String allowOrigin) {
      FullHttpResponse response;
      try {
        byte[] raw = decompress(encoding, body);
        TraceIngest.Outcome outcome =
            type.equals(JSON_TYPE)
                ? ingest.export(OtlpJson.decode(raw))
                : ingest.exportEncoded(raw);
        response = toResponse(req, type, outcome);
      } catch (BodyTooLargeException e) {
        response =
            errorResponse(
                req,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                RESOURCE_EXHAUSTED,
                e.getMessage());
      } catch (InvalidProtocolBufferException | ZipException e) {
        response =
            errorResponse(
                req,
                HttpResponseStatus.BAD_REQUEST,
                INVALID_ARGUMENT,
                "malformed request body: " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        response =
            errorResponse(
                req,
                HttpResponseStatus.BAD_REQUEST,
                INVALID_ARGUMENT,
                "malformed request body: " + e);
      }
      write(ctx, req, response, allowOrigin);
    }

    private FullHttpResponse toResponse(
        FullHttpRequest req, String type, TraceIngest.Outcome outcome) {
      if (outcome instanceof TraceIngest.Accepted accepted) {
        byte[] bytes =
            type.equals(JSON_TYPE)
                ? OtlpJson.encodeToString(accepted.toResponse()).getBytes(StandardCharsets.UTF_8)
                : accepted.toResponse().toByteArray();
        FullHttpResponse r =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return r;
      }
      ConsumerException error = ((TraceIngest.Refused) outcome).error();
      if (error.isRetryable()) {
        FullHttpResponse r =
            errorResponse(
                req, HttpResponseStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, error.getMessage());
        long seconds =
            error.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(1L);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
        return r;
      }
      return errorResponse(
          req, HttpResponseStatus.BAD_REQUEST, INVALID_ARGUMENT, error.getMessage());
    }

    private void preflight(
        ChannelHandlerContext ctx, FullHttpRequest req, String origin, boolean originOk) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
      String requestedHeaders = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
      // As the Collector does, a refused preflight is a plain 204 without CORS headers: the
      // browser then refuses the actual request.
      if (originOk && cors.allowsHeaders(requestedHeaders)) {
        r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS");
        if (requestedHeaders != null && !requestedHeaders.isBlank()) {
          r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requestedHeaders);
        }
        if (cors.maxAge() > 0) {
          r.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Integer.toString(cors.maxAge()));
        }
        write(ctx, req, r, origin);
      } else {
        r.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        write(ctx, req, r, null);
      }
    }

    private void respondError(
        ChannelHandlerContext ctx,
        FullHttpRequest req,
        HttpResponseStatus status,
        int code,
        String message) {
      String origin = req.headers().get(HttpHeaderNames.ORIGIN);
      write(
          ctx,
          req,
          errorResponse(req, status, code, message),
          cors != null && cors.allowsOrigin(origin) ? origin : null);
    }

    private void write(
        ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r, String allowOrigin) {
      if (allowOrigin != null) {
        r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
        r.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
      }
      HttpUtil.setContentLength(r, r.content().readableBytes());
      HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(req));
      ctx.writeAndFlush(r)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    f.channel().config().setAutoRead(true);
                    f.channel().read();
                  });
    }
  }

  /** A google.rpc.Status body, in the request's encoding when it has a known one. */
  private static FullHttpResponse errorResponse(
      FullHttpRequest req, HttpResponseStatus status, int code, String message) {
    String type = mediaType(req);
    byte[] body;
    String contentType;
    if (type.equals(JSON_TYPE)) {
      ObjectNode node = JSON.createObjectNode().put("code", code).put("message", message);
      body = node.toString().getBytes(StandardCharsets.UTF_8);
      contentType = JSON_TYPE;
    } else if (type.equals(PROTOBUF)) {
      body = statusProto(code, message);
      contentType = PROTOBUF;
    } else {
      body = (message + "\n").getBytes(StandardCharsets.UTF_8);
      contentType = "text/plain; charset=utf-8";
    }
    ByteBuf content = Unpooled.wrappedBuffer(body);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    return r;
  }

  /** Encodes {@code google.rpc.Status{code=1, message=2}} without the common-protos dependency. */
  private static byte[] statusProto(int code, String message) {
    int size =
        CodedOutputStream.computeInt32Size(1, code)
            + CodedOutputStream.computeStringSize(2, message);
    byte[] out = new byte[size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      cos.writeInt32(1, code);
      cos.writeString(2, message);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static String mediaType(FullHttpRequest req) {
    String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  private byte[] decompress(String encoding, byte[] body) throws IOException {
    if (encoding.equals("identity")) {
      return body;
    }
    long limit = config.maxRequestBodySize();
    ByteArrayInputStream raw = new ByteArrayInputStream(body);
    try (InputStream in =
        switch (encoding) {
          case "gzip" -> new GZIPInputStream(raw);
          case "zstd" -> new ZstdInputStream(raw);
          default -> new InflaterInputStream(raw);
        }) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, body.length * 4));
      byte[] buf = new byte[16 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        // Checked on the decompressed size too, so that a small bomb cannot exhaust the heap.
        if (total > limit) {
          throw new BodyTooLargeException(
              "decompressed request body exceeds max_request_body_size (" + limit + " bytes)");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(String message) {
      super(message);
    }
  }
}
