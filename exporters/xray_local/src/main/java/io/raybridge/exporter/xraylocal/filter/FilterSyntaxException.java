package io.raybridge.exporter.xraylocal.filter;

/**
 * A filter expression that cannot be parsed, or that names a group that does not exist. The message
 * ends with {@code at <position>} (plus an optional hint), so that it can be shown to the user as
 * is, e.g. {@code unexpected token 'AN' at 17}.
 */
public final class FilterSyntaxException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final int position;

  FilterSyntaxException(String message, int position) {
    super(message);
    this.position = position;
  }

  /** The 0-based character offset in the expression where the problem was found. */
  public int position() {
    return position;
  }
}
