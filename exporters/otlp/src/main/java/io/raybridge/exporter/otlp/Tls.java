package io.raybridge.exporter.otlp;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Builds client TLS contexts from {@link TlsClientConfig}; PEM parsing is Netty's. */
final class Tls {

  private Tls() {}

  /** A Netty context for the gRPC channel. */
  static SslContext grpcContext(TlsClientConfig config) throws IOException {
    SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
    configure(b, config, false);
    return b.build();
  }

  /** A JDK context for the HTTP client. */
  static SSLContext httpContext(TlsClientConfig config) throws IOException {
    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
    configure(b, config, config.serverNameOverride() != null);
    return ((JdkSslContext) b.build()).context();
  }

  private static void configure(SslContextBuilder b, TlsClientConfig config, boolean checkName)
      throws IOException {
    TrustManager tm;
    if (config.insecureSkipVerify()) {
      tm = new TrustAll();
    } else {
      X509TrustManager base = trustManager(config.caFile());
      tm = checkName ? new NameOverride(base, config.serverNameOverride()) : base;
    }
    b.trustManager(tm);
    if (config.hasClientCertificate()) {
      b.keyManager(new File(config.certFile()), new File(config.keyFile()));
    }
  }

  private static X509TrustManager trustManager(String caFile) throws IOException {
    try {
      KeyStore store = null;
      if (caFile != null) {
        store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int i = 0;
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
          for (Certificate c : cf.generateCertificates(in)) {
            store.setCertificateEntry("ca-" + i++, c);
          }
        }
        if (i == 0) {
          throw new IOException("ca_file '" + caFile + "' holds no PEM certificate");
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IOException("no X.509 trust manager available");
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load ca_file '" + caFile + "': " + e.getMessage(), e);
    }
  }

  /** Checks the server certificate against a configured name instead of the URL's host. */
  private static final class NameOverride extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final String name;

    NameOverride(X509TrustManager delegate, String name) {
      this.delegate = delegate;
      this.name = name.toLowerCase(Locale.ROOT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      // The chain is validated without endpoint identification, which is done here instead.
      delegate.checkServerTrusted(chain, authType);
      if (!matches(chain[0])) {
        throw new CertificateException(
            "server certificate does not match server_name_override '" + name + "'");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    private boolean matches(X509Certificate cert) throws CertificateParsingException {
      var sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return false;
      }
      for (List<?> san : sans) {
        Object type = san.get(0);
        String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
        if ((Integer.valueOf(2).equals(type) && dnsMatches(value))
            || (Integer.valueOf(7).equals(type) && value.equals(name))) {
          return true;
        }
      }
      return false;
    }

    private boolean dnsMatches(String pattern) {
      if (pattern.startsWith("*.")) {
        int dot = name.indexOf('.');
        return dot > 0 && name.substring(dot).equals(pattern.substring(1));
      }
      return pattern.equals(name);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /**
   * Accepts every server ({@code insecure_skip_verify}). Extended, so that the JDK does not add its
   * own host name check around it.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
