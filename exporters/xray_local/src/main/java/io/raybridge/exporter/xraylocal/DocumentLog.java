package io.raybridge.exporter.xraylocal;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ObjLongConsumer;

/**
 * The append-only files behind {@code storage.directory}: one newline-delimited file per hour of
 * arrival ({@code documents-20260101-13.ndjson}), each line {@code <epoch millis> <document JSON>}.
 * Lines are written whole and flushed to the operating system after every batch, so a killed
 * process loses at most the batch it was writing; a torn last line is skipped on reload. Files
 * whose hour ended more than the retention ago are deleted.
 *
 * <p>Not thread-safe: the store calls it under its own lock.
 */
final class DocumentLog implements Closeable {

  private static final String PREFIX = "documents-";
  private static final String SUFFIX = ".ndjson";
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyyMMdd-HH", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Path directory;
  private final Duration retention;
  private String currentName;
  private BufferedWriter writer;

  DocumentLog(Path directory, Duration retention) {
    this.directory = directory;
    this.retention = retention;
  }

  /** One line read back. */
  record Entry(long receivedMillis, String json) {}

  /**
   * Reads every file in arrival order, passing each well-formed line to {@code sink} with its
   * arrival time, and returns the number of lines skipped because they were torn or corrupt.
   */
  long load(ObjLongConsumer<String> sink) throws IOException {
    Files.createDirectories(directory);
    long skipped = 0;
    for (Path file : files()) {
      // Decoding replaces a torn multi-byte character instead of failing the whole file.
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      for (String line : text.split("\n", -1)) {
        if (line.isEmpty()) {
          continue;
        }
        int space = line.indexOf(' ');
        long millis;
        try {
          millis = space > 0 ? Long.parseLong(line.substring(0, space)) : -1;
        } catch (NumberFormatException e) {
          millis = -1;
        }
        if (millis < 0 || !line.endsWith("}")) {
          skipped++;
          continue;
        }
        try {
          sink.accept(line.substring(space + 1), millis);
        } catch (RuntimeException e) {
          // A document that no longer parses (a torn line that happens to end in '}').
          skipped++;
        }
      }
    }
    return skipped;
  }

  /** Appends {@code entries} and flushes them to the operating system. */
  void append(List<Entry> entries, Instant now) {
    try {
      for (Entry e : entries) {
        String name = PREFIX + HOUR.format(Instant.ofEpochMilli(e.receivedMillis())) + SUFFIX;
        if (!name.equals(currentName)) {
          roll(name, now);
        }
        writer.write(Long.toString(e.receivedMillis()));
        writer.write(' ');
        writer.write(e.json());
        writer.write('\n');
      }
      if (writer != null) {
        writer.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + directory, e);
    }
  }

  private void roll(String name, Instant now) throws IOException {
    closeWriter();
    Files.createDirectories(directory);
    Path file = directory.resolve(name);
    terminateTornLine(file);
    writer =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    currentName = name;
    deleteExpired(now);
  }

  /** Ends a torn last line so that the next line written does not merge into it. */
  private static void terminateTornLine(Path file) throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(raf.length() - 1);
      if (raf.read() != '\n') {
        raf.write('\n');
      }
    }
  }

  /** Deletes files whose hour ended before {@code now - retention}. */
  void deleteExpired(Instant now) throws IOException {
    Instant cutoff = now.minus(retention);
    for (Path file : files()) {
      String name = file.getFileName().toString();
      if (name.equals(currentName)) {
        continue;
      }
      String hour = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
      try {
        Instant start =
            LocalDate.parse(hour.substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE)
                .atTime(Integer.parseInt(hour.substring(9)), 0)
                .toInstant(ZoneOffset.UTC);
        if (start.plus(1, ChronoUnit.HOURS).isBefore(cutoff)) {
          Files.deleteIfExists(file);
        }
      } catch (RuntimeException e) {
        // Not one of ours; leave it alone.
      }
    }
  }

  private List<Path> files() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
      ds.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  private void closeWriter() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
      currentName = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeWriter();
  }
}
