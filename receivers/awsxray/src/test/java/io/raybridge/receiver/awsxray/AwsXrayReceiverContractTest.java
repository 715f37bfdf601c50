package io.raybridge.receiver.awsxray;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.XRaySettings;
import io.raybridge.xray.model.Segment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;

class AwsXrayReceiverContractTest extends ComponentContractTest<AwsXrayReceiverConfig> {

  @Override
  protected ComponentFactory<AwsXrayReceiverConfig> factory() {
    return new AwsXrayReceiverFactory();
  }

  @Override
  protected AwsXrayReceiverConfig config() {
    return Harness.loopback();
  }

  @Override
  protected void sendOne(Receiver receiver, Traces traces) throws Exception {
    SpanToSegment toSegment = new SpanToSegment(XRaySettings.DEFAULTS);
    try (DatagramSocket socket = new DatagramSocket()) {
      for (ResourceSpans rs : traces.resourceSpans()) {
        for (Segment s : toSegment.toSegments(rs)) {
          byte[] datagram = SegmentCodec.toDatagram(s);
          socket.send(
              new DatagramPacket(
                  datagram, datagram.length, ((AwsXrayReceiver) receiver).udpAddress()));
        }
      }
    }
  }
}
