package io.raybridge.receiver.awsxray;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.pipeline.Traces;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentFormatException;
import io.raybridge.xray.SegmentToSpan;
import io.raybridge.xray.model.Segment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns one daemon datagram ({@code {"format":"json","version":1}\n<document>}) into OTLP spans.
 * Pure and thread-safe: the socket code and the tests share it.
 *
 * <p>A datagram of one document (what every X-Ray SDK sends) is parsed and checked here, but its
 * spans are built only when a component asks for them ({@link Traces#ofDocuments(String, List,
 * int[], int[], List)}): a pipeline that forwards the document to X-Ray never builds them. The
 * check is the one conversion makes, so a document accepted here converts; byte limits hold by
 * {@link SegmentToSpan#maxEncodedSize(int)}.
 */
final class DatagramDecoder {

  /** The largest datagram the X-Ray daemon reads. */
  static final int DEFAULT_MAX_DATAGRAM_BYTES = 64 * 1024;

  /** How much of a bad datagram a log line shows. */
  static final int EXAMPLE_CHARS = 256;

  /** The reason label of a datagram larger than the limit. */
  static final String TOO_LARGE = reasonLabel(SegmentFormatException.Reason.TOO_LARGE);

  /** The reason label of a zero-length datagram. */
  static final String EMPTY = reasonLabel(SegmentFormatException.Reason.EMPTY_DOCUMENT);

  /** The reason label of a failure the translator did not classify (a bug, counted anyway). */
  static final String TRANSLATION_ERROR = "translation_error";

  private DatagramDecoder() {}

  /**
   * A document that was refused.
   *
   * @param reason lower_snake_case label for metrics ({@code invalid_json}, {@code missing_header})
   * @param spans the spans it held as far as known (1 when it could not be parsed)
   * @param message what is wrong, for the log
   * @param example the start of the datagram, for the log
   */
  record Rejection(String reason, long spans, String message, String example) {}

  /**
   * The outcome of one datagram: the accepted documents and, if a document was refused, why. A
   * datagram normally holds one document, so at most one of the two is non-empty.
   *
   * @param traces the accepted documents' spans; for a datagram of one document, read from it when
   *     first asked for and kept beside it as its source document (the datagram's body); for a body
   *     holding an array of documents, converted at once and without source documents
   * @param documents how many documents {@code traces} holds
   */
  record Decoded(Traces traces, int documents, List<Rejection> rejections) {}

  static Decoded decode(byte[] bytes, int offset, int length, int maxBytes) {
    if (length == 0) {
      return rejected(EMPTY, 1, "empty datagram", bytes, offset, length);
    }
    if (length > maxBytes) {
      return rejected(
          TOO_LARGE,
          1,
          "datagram larger than the limit of " + maxBytes + " bytes",
          bytes,
          offset,
          length);
    }
    List<Segment> documents;
    int bodyStart;
    try {
      bodyStart = SegmentCodec.datagramBodyStart(bytes, offset, length);
      documents = SegmentCodec.parseDocuments(bytes, bodyStart, offset + length - bodyStart);
    } catch (SegmentFormatException e) {
      return rejected(reasonLabel(e.reason()), 1, e.getMessage(), bytes, offset, length);
    } catch (RuntimeException e) {
      return rejected(TRANSLATION_ERROR, 1, String.valueOf(e), bytes, offset, length);
    }
    if (documents.size() == 1) {
      Segment document = documents.get(0);
      try {
        SegmentToSpan.check(document);
      } catch (SegmentFormatException e) {
        return rejected(
            reasonLabel(e.reason()), document.count(), e.getMessage(), bytes, offset, length);
      }
      ByteString body = body(bytes, bodyStart, offset + length);
      Traces traces =
          Traces.ofDocuments(
              SegmentCodec.DOCUMENT_FORMAT,
              List.of(body),
              new int[] {document.count()},
              new int[] {SegmentToSpan.maxEncodedSize(body.size())},
              List.of(() -> SegmentToSpan.convert(document)));
      return new Decoded(traces, 1, List.of());
    }
    List<ResourceSpans> out = new ArrayList<>(documents.size());
    List<Rejection> rejections = new ArrayList<>(0);
    for (Segment document : documents) {
      try {
        out.add(SegmentToSpan.convert(document));
      } catch (SegmentFormatException e) {
        rejections.add(
            new Rejection(
                reasonLabel(e.reason()),
                document.count(),
                e.getMessage(),
                example(bytes, offset, length)));
      } catch (RuntimeException e) {
        rejections.add(
            new Rejection(
                TRANSLATION_ERROR,
                document.count(),
                String.valueOf(e),
                example(bytes, offset, length)));
      }
    }
    return new Decoded(Traces.of(out), out.size(), rejections);
  }

  /** A copy of a parsed datagram's body {@code [from, to)}: the document as sent, trimmed. */
  private static ByteString body(byte[] bytes, int from, int to) {
    while (from < to && isJsonSpace(bytes[from])) {
      from++;
    }
    while (to > from && isJsonSpace(bytes[to - 1])) {
      to--;
    }
    return ByteString.copyFrom(bytes, from, to - from);
  }

  private static boolean isJsonSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static Decoded rejected(
      String reason, long spans, String message, byte[] bytes, int offset, int length) {
    return new Decoded(
        Traces.empty(),
        0,
        List.of(new Rejection(reason, spans, message, example(bytes, offset, length))));
  }

  static String reasonLabel(SegmentFormatException.Reason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }

  /** The first {@value #EXAMPLE_CHARS} characters, control characters escaped. */
  static String example(byte[] bytes, int offset, int length) {
    int n = Math.min(length, EXAMPLE_CHARS * 4);
    String text = new String(bytes, offset, n, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(Math.min(text.length(), EXAMPLE_CHARS) + 16);
    int i = 0;
    for (; i < text.length() && sb.length() < EXAMPLE_CHARS; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (i < text.length() || n < length) {
      sb.append("...");
    }
    return sb.toString();
  }
}
