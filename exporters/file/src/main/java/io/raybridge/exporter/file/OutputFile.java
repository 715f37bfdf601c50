package io.raybridge.exporter.file;

import com.github.luben.zstd.ZstdOutputStream;
import io.raybridge.exporter.file.FileExporterConfig.FileCompression;
import io.raybridge.exporter.file.FileExporterConfig.RotationConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * One output file: opened lazily, written through the configured compression, flushed on demand and
 * rotated lumberjack-style. Not thread-safe; the exporter serialises access.
 */
final class OutputFile {

  /** The timestamp in backup names, as lumberjack writes it ({@code 2006-01-02T15-04-05.000}). */
  static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS");

  private final Path path;
  private final FileCompression compression;
  private final RotationConfig rotation;
  private final boolean append;
  private final Clock clock;
  private OutputStream out;
  private long size;
  private boolean dirty;
  private boolean openedOnce;

  OutputFile(
      Path path,
      FileCompression compression,
      RotationConfig rotation,
      boolean append,
      Clock clock) {
    this.path = path;
    this.compression = compression;
    this.rotation = rotation;
    this.append = append;
    this.clock = clock;
  }

  Path path() {
    return path;
  }

  /** Opens the file now, so that an unusable path is reported at once. */
  void open() throws IOException {
    if (out != null) {
      return;
    }
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // The first open of a file without rotation or append starts it afresh, as the Collector does;
    // reopening after a write error or with rotation continues the file (lumberjack semantics).
    boolean keep = append || rotation != null || openedOnce;
    OutputStream file =
        Files.newOutputStream(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            keep ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    openedOnce = true;
    size = keep ? Files.size(path) : 0;
    try {
      out =
          switch (compression) {
            case NONE -> new BufferedOutputStream(file, 64 * 1024);
            // Sync flush makes every flushed batch readable before the file is closed.
            case GZIP -> new GZIPOutputStream(file, 64 * 1024, true);
            case ZSTD -> new BufferedOutputStream(new ZstdOutputStream(file), 64 * 1024);
          };
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /**
   * Writes one record, the first {@code length} bytes of {@code record}, rotating first when it
   * would take the file past the size limit.
   */
  void write(byte[] record, int length) throws IOException {
    open();
    if (rotation != null && size > 0 && size + length > rotation.maxBytes()) {
      rotate();
      open();
    }
    out.write(record, 0, length);
    size += length;
    dirty = true;
  }

  void flush() throws IOException {
    if (out != null && dirty) {
      out.flush();
      dirty = false;
    }
  }

  /** Closes the file (finishing the compressed stream); the next write reopens it. */
  void close() throws IOException {
    OutputStream o = out;
    out = null;
    dirty = false;
    if (o != null) {
      o.close();
    }
  }

  /** Closes without reporting errors, after a failed write. */
  void abandon() {
    try {
      close();
    } catch (IOException ignored) {
      // The stream is broken already; the next write reopens the file.
    }
  }

  private void rotate() throws IOException {
    close();
    ZoneId zone = rotation.localtime() ? ZoneId.systemDefault() : ZoneOffset.UTC;
    Instant now = clock.instant();
    Path backup = backupPath(now, zone);
    while (Files.exists(backup)) {
      now = now.plusMillis(1);
      backup = backupPath(now, zone);
    }
    Files.move(path, backup);
    size = 0;
    removeOldBackups(zone);
  }

  private Path backupPath(Instant at, ZoneId zone) {
    String[] parts = nameParts();
    String stamp = BACKUP_TIME.format(LocalDateTime.ofInstant(at, zone));
    return path.resolveSibling(parts[0] + "-" + stamp + parts[1]);
  }

  /** The file name before and from its extension ({@code data}, {@code .json}). */
  private String[] nameParts() {
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot <= 0
        ? new String[] {name, ""}
        : new String[] {name.substring(0, dot), name.substring(dot)};
  }

  /** Deletes backups beyond {@code max_backups} and older than {@code max_days}. */
  private void removeOldBackups(ZoneId zone) throws IOException {
    List<Backup> backups = backups(zone);
    backups.sort(Comparator.comparing(Backup::time).reversed());
    Instant cutoff =
        rotation.maxDays() > 0 ? clock.instant().minusSeconds(rotation.maxDays() * 86_400L) : null;
    for (int i = 0; i < backups.size(); i++) {
      Backup b = backups.get(i);
      boolean tooMany = rotation.maxBackups() > 0 && i >= rotation.maxBackups();
      boolean tooOld = cutoff != null && b.time().isBefore(cutoff);
      if (tooMany || tooOld) {
        Files.deleteIfExists(b.path());
      }
    }
  }

  /** The backups of this file, by the time in their names. */
  List<Backup> backups(ZoneId zone) throws IOException {
    String[] parts = nameParts();
    String prefix = parts[0] + "-";
    Path dir = path.toAbsolutePath().getParent();
    List<Backup> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String n = p.getFileName().toString();
        if (!n.startsWith(prefix) || !n.endsWith(parts[1])) {
          continue;
        }
        String stamp = n.substring(prefix.length(), n.length() - parts[1].length());
        try {
          Instant t = LocalDateTime.parse(stamp, BACKUP_TIME).atZone(zone).toInstant();
          out.add(new Backup(p, t));
        } catch (DateTimeParseException notABackup) {
          // Another file that happens to share the prefix.
        }
      }
    }
    return out;
  }

  record Backup(Path path, Instant time) {}
}
