package io.raybridge.xray;

import java.util.Objects;

/**
 * A segment document that cannot be parsed or translated. {@link #reason()} is machine-readable so
 * that receivers can count refusals by cause; {@link #getMessage()} is for people.
 */
public final class SegmentFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a document was refused. */
  public enum Reason {
    /** The bytes are not well-formed JSON (including invalid UTF-8 and truncated datagrams). */
    INVALID_JSON,
    /** A daemon datagram has no header line. */
    MISSING_HEADER,
    /** The header line is not {@code {"format":"json","version":1}}. */
    INVALID_HEADER,
    /** Nothing after the header, or no document at all. */
    EMPTY_DOCUMENT,
    /** The document (or an array element) is not a JSON object. */
    NOT_AN_OBJECT,
    /** More JSON follows the document. */
    TRAILING_DATA,
    /** Subsegments or JSON values nested deeper than the supported limit. */
    TOO_DEEP,
    /** A required member ({@code name}, {@code id}, {@code start_time}, ...) is missing. */
    MISSING_FIELD,
    /** {@code trace_id} is not {@code 1-<8 hex>-<24 hex>}. */
    INVALID_TRACE_ID,
    /** A segment, parent, exception or precursor id is not 16 hex digits. */
    INVALID_ID,
    /** A time is not a number, or {@code end_time} precedes {@code start_time}. */
    INVALID_TIME,
    /** Neither {@code end_time} nor {@code in_progress}. */
    NOT_FINISHED,
    /** A name is longer than 200 characters or contains characters X-Ray refuses. */
    INVALID_NAME,
    /** An annotation key or value X-Ray refuses. */
    INVALID_ANNOTATION,
    /** A member has a type or value X-Ray refuses (namespace, cause, metadata, ...). */
    INVALID_FIELD,
    /** An independent subsegment without {@code trace_id} or {@code parent_id}. */
    INCOMPLETE_SUBSEGMENT,
    /** The serialized document exceeds 64 KB. */
    TOO_LARGE
  }

  private final Reason reason;

  public SegmentFormatException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public SegmentFormatException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The machine-readable reason. */
  public Reason reason() {
    return reason;
  }
}
