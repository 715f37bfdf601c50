package io.raybridge.receiver.otlp;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.raybridge.pipeline.config.TlsServerConfig;
import java.io.File;
import javax.net.ssl.SSLContext;

/** A self-signed certificate for 127.0.0.1, made at test time. */
final class Certificates {

  final X509Bundle bundle;
  final File certFile;
  final File keyFile;

  Certificates() throws Exception {
    bundle =
        new CertificateBuilder()
            .subject("CN=localhost")
            .addSanDnsName("localhost")
            .addSanIpAddress("127.0.0.1")
            .setIsCertificateAuthority(true)
            .algorithm(CertificateBuilder.Algorithm.ecp256)
            .buildSelfSigned();
    certFile = bundle.toTempCertChainPem();
    keyFile = bundle.toTempPrivateKeyPem();
    certFile.deleteOnExit();
    keyFile.deleteOnExit();
  }

  TlsServerConfig serverConfig() {
    return new TlsServerConfig(certFile.getPath(), keyFile.getPath(), null, null);
  }

  SSLContext clientContext() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, bundle.toTrustManagerFactory().getTrustManagers(), null);
    return ctx;
  }
}
