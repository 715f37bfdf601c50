package io.raybridge.xray.model;

/** An annotation value: X-Ray accepts strings, numbers and booleans only. */
public sealed interface AnnotationValue {

  /** A string annotation. */
  record Str(String value) implements AnnotationValue {
    public Str {
      java.util.Objects.requireNonNull(value, "value");
    }
  }

  /** An integral number annotation (written without a fraction). */
  record Int(long value) implements AnnotationValue {}

  /** A floating-point number annotation. */
  record Dbl(double value) implements AnnotationValue {}

  /** A boolean annotation. */
  record Bool(boolean value) implements AnnotationValue {}

  /** Creates a string annotation value. */
  static AnnotationValue of(String value) {
    return new Str(value);
  }

  /** Creates an integral annotation value. */
  static AnnotationValue of(long value) {
    return new Int(value);
  }

  /** Creates a floating-point annotation value. */
  static AnnotationValue of(double value) {
    return new Dbl(value);
  }

  /** Creates a boolean annotation value. */
  static AnnotationValue of(boolean value) {
    return new Bool(value);
  }
}
