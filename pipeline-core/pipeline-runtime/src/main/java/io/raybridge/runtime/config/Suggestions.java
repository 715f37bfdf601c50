package io.raybridge.runtime.config;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for misspelled keys, types and ids. */
final class Suggestions {

  private static final int MAX_DISTANCE = 2;
  private static final int MIN_PREFIX = 3;

  private Suggestions() {}

  /**
   * The candidate closest to {@code input}: within an edit distance of two (transpositions count as
   * one edit), or else one that starts with {@code input} or that {@code input} starts with.
   */
  static Optional<String> closest(String input, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates.stream().sorted().toList()) {
      int d =
          distance(input.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    if (best != null
        && bestDistance <= MAX_DISTANCE
        && bestDistance < Math.max(input.length(), 1)) {
      return Optional.of(best);
    }
    for (String c : candidates.stream().sorted().toList()) {
      if ((input.length() >= MIN_PREFIX && c.startsWith(input))
          || (c.length() >= MIN_PREFIX && input.startsWith(c))) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** {@code ", did you mean 'x'?"} or the empty string. */
  static String didYouMean(String input, Collection<String> candidates) {
    return closest(input, candidates).map(s -> ", did you mean '" + s + "'?").orElse("");
  }

  /** Optimal string alignment distance (Damerau-Levenshtein without substring re-edits). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
