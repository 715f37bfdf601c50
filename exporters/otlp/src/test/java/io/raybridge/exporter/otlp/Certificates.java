package io.raybridge.exporter.otlp;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.File;

/** A self-signed server certificate made at test time. */
final class Certificates {

  final X509Bundle bundle;
  final File certFile;
  final File keyFile;

  /** A certificate for localhost and 127.0.0.1. */
  Certificates() throws Exception {
    this("localhost", true);
  }

  /** A certificate for {@code dnsName}, and 127.0.0.1 when {@code withLoopbackIp}. */
  Certificates(String dnsName, boolean withLoopbackIp) throws Exception {
    CertificateBuilder b =
        new CertificateBuilder()
            .subject("CN=" + dnsName)
            .addSanDnsName(dnsName)
            .setIsCertificateAuthority(true)
            .algorithm(CertificateBuilder.Algorithm.ecp256);
    if (withLoopbackIp) {
      b.addSanIpAddress("127.0.0.1");
    }
    bundle = b.buildSelfSigned();
    certFile = bundle.toTempCertChainPem();
    keyFile = bundle.toTempPrivateKeyPem();
    certFile.deleteOnExit();
    keyFile.deleteOnExit();
  }
}
