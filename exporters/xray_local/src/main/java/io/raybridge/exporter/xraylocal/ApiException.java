package io.raybridge.exporter.xraylocal;

/** An API error answered with AWS's error shape: {@code {"__type": type, "message": ...}}. */
final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;

  ApiException(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  /** HTTP 400 {@code InvalidRequestException}. */
  static ApiException invalid(String message) {
    return new ApiException(400, "InvalidRequestException", message);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }
}
