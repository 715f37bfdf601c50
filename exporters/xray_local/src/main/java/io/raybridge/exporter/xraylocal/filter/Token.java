package io.raybridge.exporter.xraylocal.filter;

/**
 * One lexical token. {@code text} is the source text, except for strings, where it is the unescaped
 * value.
 */
record Token(Kind kind, String text, int position) {

  enum Kind {
    WORD,
    STRING,
    NUMBER,
    OPERATOR,
    BANG,
    LPAREN,
    RPAREN,
    LBRACE,
    RBRACE,
    LBRACKET,
    RBRACKET,
    COMMA,
    COLON,
    END
  }

  boolean is(Kind k) {
    return kind == k;
  }

  boolean isWord(String word) {
    return kind == Kind.WORD && text.equalsIgnoreCase(word);
  }

  /** How the token is named in error messages. */
  String describe() {
    return switch (kind) {
      case END -> "end of expression";
      case STRING -> "string \"" + text + "\"";
      default -> "'" + text + "'";
    };
  }
}
