package io.raybridge.processor.tailsampling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The tail sampler's storage: one append-only journal of what entered the buffer and what was
 * decided, in a directory guarded by a lock file.
 *
 * <p><b>Files.</b> {@code LOCK} holds an exclusive OS file lock (and the owner's pid, for the error
 * message) while the journal is open; the OS releases it when the process dies, even by {@code kill
 * -9}. {@code journal.log} holds records:
 *
 * <pre>
 *   int magic 'RBT1' | int crc32c | int length | byte[length] body
 *   body SPANS:   byte 1 | long arrival | long root arrival (-1: none) | long key hi | long key lo
 *                 | int span count | int n | byte[n] resource | int m | byte[m] scope | span bytes
 *   body DECIDED: byte 2 | long key hi | long key lo | int decision
 * </pre>
 *
 * <p>The CRC-32C covers the length and the body, so a torn or overwritten length is caught too. The
 * span bytes are the spans encoded as the {@code spans} field of an OTLP {@code ScopeSpans} (what
 * {@link PendingTrace} holds); resource and scope are a {@link GroupHeader}. A decision is a policy
 * index, {@link DecisionCache#KEPT} or {@link DecisionCache#NOT_SAMPLED}.
 *
 * <p><b>Recovery.</b> {@link #open} replays every valid record in order to a {@link Replay}. A
 * record whose magic, length or CRC does not check out is skipped and counted, and the scan resumes
 * at the next magic whose record checks out, so a torn tail (the usual damage after a crash) costs
 * only that record. Then the caller {@linkplain #compact compacts}, which also drops the damage.
 *
 * <p><b>Writing.</b> Records are staged in memory and written to the file by {@link #flush} (to the
 * OS page cache, which survives the process being killed); {@link #sync} forces the file to the
 * device. {@link #compact} writes a snapshot of the live state to a temporary file, forces it and
 * atomically renames it over the journal.
 *
 * <p><b>Threading.</b> Thread-safe: every method is serialised on this object's monitor.
 */
final class TraceJournal implements AutoCloseable {

  static final int MAGIC = 0x52425431; // "RBT1"
  static final int HEADER_BYTES = 12;
  static final byte SPANS = 1;
  static final byte DECIDED = 2;

  /** Refuses absurd lengths before trusting them. */
  static final int MAX_RECORD_BYTES = 1 << 30;

  static final String LOCK_FILE = "LOCK";
  static final String JOURNAL_FILE = "journal.log";
  private static final String COMPACT_FILE = "journal.log.tmp";

  /** Receives the journal's records in order while it is opened. */
  interface Replay {
    void spans(
        TraceKey key,
        long arrivalMillis,
        long rootArrivalMillis,
        GroupHeader header,
        int spanCount,
        byte[] spans);

    void decided(TraceKey key, int decision);
  }

  /** What {@link #open} found that it could not use. */
  record Damage(long corruptRecords, long corruptBytes) {}

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final CRC32C crc = new CRC32C();
  private FileChannel channel;
  private long size;
  private long compactedSize;
  private byte[] staged = new byte[4096];
  private int stagedLength;
  private boolean dirty;
  private boolean closed;
  private Damage damage = new Damage(0, 0);

  private TraceJournal(Path directory, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory} (creating it if needed) and replays its journal to {@code replay}.
   *
   * @throws IllegalStateException if another process, or another processor in this process, holds
   *     the directory
   * @throws IOException if the directory cannot be created, read or written
   */
  static TraceJournal open(Path directory, Replay replay) throws IOException {
    Files.createDirectories(directory);
    FileChannel lockChannel =
        FileChannel.open(
            directory.resolve(LOCK_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lockChannel.close();
      throw new IllegalStateException(
          "tail_sampling storage directory "
              + directory
              + " is already used by another processor in this process");
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
    if (lock == null) {
      String owner = readOwner(lockChannel);
      lockChannel.close();
      throw new IllegalStateException(
          "tail_sampling storage directory "
              + directory
              + " is in use by another process"
              + (owner.isEmpty() ? "" : " (pid " + owner + ")")
              + "; each running instance needs its own storage.directory");
    }
    TraceJournal journal = new TraceJournal(directory, lockChannel, lock);
    try {
      lockChannel.truncate(0);
      lockChannel.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)),
          0);
      Files.deleteIfExists(directory.resolve(COMPACT_FILE));
      journal.replay(replay);
      journal.channel =
          FileChannel.open(
              directory.resolve(JOURNAL_FILE),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      journal.size = journal.channel.size();
      journal.channel.position(journal.size);
      return journal;
    } catch (IOException | RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  private static String readOwner(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private void replay(Replay replay) throws IOException {
    Path path = directory.resolve(JOURNAL_FILE);
    if (!Files.exists(path)) {
      return;
    }
    byte[] bytes = Files.readAllBytes(path);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long corruptRecords = 0;
    long corruptBytes = 0;
    int pos = 0;
    while (pos < bytes.length) {
      int length = validLength(bytes, pos);
      if (length < 0) {
        // Damaged: skip to the next record that checks out (or the end), counting one record.
        int next = pos + 1;
        while (next < bytes.length && validLength(bytes, next) < 0) {
          next++;
        }
        corruptRecords++;
        corruptBytes += next - pos;
        pos = next;
        continue;
      }
      int body = pos + HEADER_BYTES;
      try {
        apply(buf, body, length, replay);
      } catch (RuntimeException e) {
        // A record that checks out but does not parse was written by a different format.
        corruptRecords++;
        corruptBytes += HEADER_BYTES + length;
      }
      pos = body + length;
    }
    damage = new Damage(corruptRecords, corruptBytes);
  }

  /** The body length of a valid record at {@code pos}, or -1. */
  private int validLength(byte[] bytes, int pos) {
    if (bytes.length - pos < HEADER_BYTES) {
      return -1;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (buf.getInt(pos) != MAGIC) {
      return -1;
    }
    int length = buf.getInt(pos + 8);
    if (length < 1 || length > MAX_RECORD_BYTES || length > bytes.length - pos - HEADER_BYTES) {
      return -1;
    }
    crc.reset();
    crc.update(bytes, pos + 8, 4 + length);
    return (int) crc.getValue() == buf.getInt(pos + 4) ? length : -1;
  }

  private static void apply(ByteBuffer buf, int pos, int length, Replay replay) {
    ByteBuffer b = buf.duplicate().position(pos).limit(pos + length);
    byte type = b.get();
    if (type == SPANS) {
      long arrival = b.getLong();
      long rootArrival = b.getLong();
      TraceKey key = new TraceKey(b.getLong(), b.getLong());
      int spanCount = b.getInt();
      byte[] resource = new byte[b.getInt()];
      b.get(resource);
      byte[] scope = new byte[b.getInt()];
      b.get(scope);
      byte[] spans = new byte[b.remaining()];
      b.get(spans);
      replay.spans(key, arrival, rootArrival, new GroupHeader(resource, scope), spanCount, spans);
    } else if (type == DECIDED) {
      TraceKey key = new TraceKey(b.getLong(), b.getLong());
      int decision = b.getInt();
      replay.decided(key, decision);
    } else {
      throw new IllegalArgumentException("unknown record type " + type);
    }
  }

  /** What the replay skipped. */
  synchronized Damage damage() {
    return damage;
  }

  /** Stages a SPANS record; {@link #flush} writes it. */
  synchronized void spans(
      TraceKey key,
      long arrivalMillis,
      long rootArrivalMillis,
      GroupHeader header,
      int spanCount,
      byte[] spans,
      int offset,
      int length) {
    int body = 1 + 8 + 8 + 16 + 4 + 4 + header.resource.length + 4 + header.scope.length + length;
    ByteBuffer b = reserve(body);
    b.put(SPANS).putLong(arrivalMillis).putLong(rootArrivalMillis);
    b.putLong(key.hi()).putLong(key.lo()).putInt(spanCount);
    b.putInt(header.resource.length).put(header.resource);
    b.putInt(header.scope.length).put(header.scope);
    b.put(spans, offset, length);
    seal(b, body);
  }

  /** Stages a DECIDED record; {@link #flush} writes it. */
  synchronized void decided(TraceKey key, int decision) {
    int body = 1 + 16 + 4;
    ByteBuffer b = reserve(body);
    b.put(DECIDED).putLong(key.hi()).putLong(key.lo()).putInt(decision);
    seal(b, body);
  }

  /** Room for a record of {@code body} bytes, positioned at the body. */
  private ByteBuffer reserve(int body) {
    int need = stagedLength + HEADER_BYTES + body;
    if (need > staged.length) {
      staged = Arrays.copyOf(staged, Math.max(need, staged.length * 2));
    }
    return ByteBuffer.wrap(staged, stagedLength, HEADER_BYTES + body)
        .putInt(MAGIC)
        .putInt(0)
        .putInt(body);
  }

  private void seal(ByteBuffer b, int body) {
    int start = stagedLength;
    crc.reset();
    crc.update(staged, start + 8, 4 + body);
    ByteBuffer.wrap(staged).putInt(start + 4, (int) crc.getValue());
    stagedLength = start + HEADER_BYTES + body;
  }

  /** Writes the staged records to the file (the OS page cache). */
  synchronized void flush() throws IOException {
    if (stagedLength == 0 || closed) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(staged, 0, stagedLength);
    try {
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } finally {
      // Whatever happened, never write the same records twice.
      size += stagedLength - b.remaining();
      stagedLength = 0;
      dirty = true;
      if (staged.length > (1 << 20)) {
        staged = new byte[4096];
      }
    }
  }

  /** Forces what was written to the device. */
  synchronized void sync() throws IOException {
    if (closed) {
      return;
    }
    flush();
    if (dirty) {
      channel.force(false);
      dirty = false;
    }
  }

  /** The journal file's size, staged records included. */
  synchronized long size() {
    return size + stagedLength;
  }

  /** The journal's size right after the last compaction: the live state then. */
  synchronized long compactedSize() {
    return compactedSize;
  }

  /** Writes a snapshot of the live state. */
  interface Snapshot {
    void writeTo(TraceJournal journal);
  }

  /**
   * Replaces the journal by what {@code snapshot} stages: written to a temporary file, forced, then
   * atomically renamed over the journal, so that a crash at any point leaves either file whole.
   * Records staged but not yet flushed are discarded: the snapshot must include their state.
   */
  synchronized void compact(Snapshot snapshot) throws IOException {
    if (closed) {
      return;
    }
    stagedLength = 0;
    snapshot.writeTo(this);
    Path tmp = directory.resolve(COMPACT_FILE);
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(staged, 0, stagedLength);
      while (b.hasRemaining()) {
        out.write(b);
      }
      out.force(false);
    } finally {
      size = stagedLength;
      stagedLength = 0;
    }
    channel.close();
    Files.move(
        tmp,
        directory.resolve(JOURNAL_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    syncDirectory();
    channel =
        FileChannel.open(
            directory.resolve(JOURNAL_FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
    channel.position(channel.size());
    size = channel.size();
    compactedSize = size;
    dirty = false;
    if (staged.length > (1 << 20)) {
      staged = new byte[4096];
    }
  }

  private void syncDirectory() {
    // Makes the rename durable; not every platform can open a directory, which is then best effort.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | RuntimeException e) {
      // Best effort.
    }
  }

  /**
   * Closes the files without writing or forcing anything staged: after a {@link #sync}, a clean
   * close; without one, what a crash leaves behind.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stagedLength = 0;
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // Nothing left to do with it.
    }
    try {
      lock.release();
    } catch (IOException | RuntimeException e) {
      // Closing the channel releases it too.
    }
    try {
      lockChannel.close();
    } catch (IOException e) {
      // Nothing left to do with it.
    }
  }
}
