package io.raybridge.exporter.xraylocal.filter;

import java.util.ArrayList;
import java.util.List;

/** Splits a filter expression into tokens. */
final class Lexer {

  private final String text;
  private int pos;

  private Lexer(String text) {
    this.text = text;
  }

  static List<Token> tokenize(String text) {
    return new Lexer(text).run();
  }

  private List<Token> run() {
    List<Token> out = new ArrayList<>();
    while (true) {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
      if (pos >= text.length()) {
        out.add(new Token(Token.Kind.END, "", text.length()));
        return out;
      }
      out.add(next());
    }
  }

  private Token next() {
    int start = pos;
    char c = text.charAt(pos);
    switch (c) {
      case '(':
        return single(Token.Kind.LPAREN);
      case ')':
        return single(Token.Kind.RPAREN);
      case '{':
        return single(Token.Kind.LBRACE);
      case '}':
        return single(Token.Kind.RBRACE);
      case '[':
        return single(Token.Kind.LBRACKET);
      case ']':
        return single(Token.Kind.RBRACKET);
      case ',':
        return single(Token.Kind.COMMA);
      case ':':
        return single(Token.Kind.COLON);
      case '"':
        return string();
      case '=':
        return single(Token.Kind.OPERATOR);
      case '!':
        if (peek(1) == '=') {
          pos += 2;
          return new Token(Token.Kind.OPERATOR, "!=", start);
        }
        return single(Token.Kind.BANG);
      case '<':
      case '>':
        pos += peek(1) == '=' ? 2 : 1;
        return new Token(Token.Kind.OPERATOR, text.substring(start, pos), start);
      default:
        break;
    }
    if (isDigit(c) || ((c == '-' || c == '.') && isDigit(peek(1)))) {
      return number();
    }
    if (Character.isLetter(c) || c == '_') {
      while (pos < text.length() && isWordPart(text.charAt(pos))) {
        pos++;
      }
      return new Token(Token.Kind.WORD, text.substring(start, pos), start);
    }
    throw new FilterSyntaxException("unexpected character '" + c + "' at " + start, start);
  }

  private Token single(Token.Kind kind) {
    pos++;
    return new Token(kind, text.substring(pos - 1, pos), pos - 1);
  }

  private Token number() {
    int start = pos;
    if (text.charAt(pos) == '-') {
      pos++;
    }
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      int mark = pos;
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < text.length() && isDigit(text.charAt(pos))) {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
          pos++;
        }
      } else {
        pos = mark;
      }
    }
    if (pos < text.length() && isWordPart(text.charAt(pos))) {
      // "5s" or "1.2.3": a number glued to letters is a typo, not two tokens.
      while (pos < text.length() && isWordPart(text.charAt(pos))) {
        pos++;
      }
      throw new FilterSyntaxException(
          "invalid number '" + text.substring(start, pos) + "' at " + start, start);
    }
    return new Token(Token.Kind.NUMBER, text.substring(start, pos), start);
  }

  private Token string() {
    int start = pos;
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return new Token(Token.Kind.STRING, sb.toString(), start);
      }
      if (c == '\\') {
        if (pos + 1 >= text.length()) {
          break;
        }
        char e = text.charAt(pos + 1);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'u' -> {
            String hex = pos + 6 <= text.length() ? text.substring(pos + 2, pos + 6) : "";
            if (!hex.matches("[0-9a-fA-F]{4}")) {
              throw new FilterSyntaxException("invalid escape '\\u' in string at " + pos, pos);
            }
            sb.append((char) Integer.parseInt(hex, 16));
            pos += 4;
          }
          default ->
              throw new FilterSyntaxException(
                  "invalid escape '\\" + e + "' in string at " + pos, pos);
        }
        pos += 2;
        continue;
      }
      sb.append(c);
      pos++;
    }
    throw new FilterSyntaxException("unterminated string starting at " + start, start);
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < text.length() ? text.charAt(i) : '\0';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }
}
