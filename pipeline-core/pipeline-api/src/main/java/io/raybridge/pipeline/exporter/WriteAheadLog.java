package io.raybridge.pipeline.exporter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The persistent queue's storage: a segmented append-only log of records plus a small log of
 * acknowledgements, in one directory guarded by a lock file.
 *
 * <p><b>Files.</b> {@code LOCK} holds an exclusive OS file lock (and the owner's pid, for the error
 * message) while the log is open; the OS releases it when the process dies, even by {@code kill
 * -9}. {@code segment-<first seq>.log} files hold data records:
 *
 * <pre>
 *   int magic 'RBQ1' | int crc32c | int length | long seq | int spans | byte[length] payload
 * </pre>
 *
 * <p>where the CRC-32C covers everything after itself (length, seq, spans and payload), so a torn
 * or overwritten length is caught too. The payload is the batch's OTLP {@code
 * ExportTraceServiceRequest} encoding. {@code acks.log} holds fixed 16-byte marks {@code long seq |
 * int kind | int crc32c}: {@code DISPATCHED} when a consumer takes a record, {@code RELEASED} when
 * it hands it back undelivered, {@code ACKED} when it is done with it. A segment file is deleted
 * once every record in it is acknowledged and it is no longer written to; the ack log is rewritten
 * (to a temporary file, then atomically renamed) when it grows much larger than the acks still
 * needed.
 *
 * <p><b>Recovery.</b> {@link #open} reads the ack log, then scans every segment. A record whose
 * magic, length or CRC does not check out is corrupt: the scan counts it, then looks for the next
 * valid record (next magic whose record checks out) so that one bad region does not hide the
 * records after it. Unacknowledged valid records are returned in log order; a fresh segment is
 * always started for new appends so recovered files are never appended to.
 *
 * <p><b>Durability.</b> {@link #append} returns once the record is written to the file (the OS page
 * cache), which survives the process being killed. {@link #sync} forces the files that changed to
 * the device (group commit: one fsync covers everything written since the last one) and is called
 * periodically by the queue; a power loss or kernel crash can lose what was written since the last
 * sync (a lost record is lost data; a lost ack means the batch is sent again).
 *
 * <p><b>Threading.</b> Thread-safe: appends, marks and deletions are serialised on this object's
 * monitor; {@link #read} uses positional reads and runs concurrently with them. After {@link
 * #close()} every method fails with {@link IOException} or does nothing.
 */
final class WriteAheadLog implements AutoCloseable {

  static final int MAGIC = 0x52425131; // "RBQ1"
  static final int HEADER_BYTES = 24;
  static final int MARK_BYTES = 16;
  static final int DISPATCHED = 1;
  static final int RELEASED = 2;
  static final int ACKED = 3;

  /** Refuses absurd lengths before allocating: a single batch is never this large. */
  static final int MAX_RECORD_BYTES = 1 << 30;

  private static final String LOCK_FILE = "LOCK";
  private static final String ACK_FILE = "acks.log";
  private static final String SEGMENT_PREFIX = "segment-";
  private static final String SEGMENT_SUFFIX = ".log";

  /** The ack log is compacted when larger than this and several times the acks still needed. */
  private static final long ACK_COMPACT_MIN_BYTES = 1 << 20;

  /** A record in the log: where it is and what it holds. */
  record Record(long seq, int spans, Segment segment, long payloadPosition, int length) {
    /** The record's size on disk. */
    long bytes() {
      return HEADER_BYTES + (long) length;
    }
  }

  /** What {@link #open} found on disk. */
  record Recovery(
      List<Record> pending,
      long pendingSpans,
      long dispatchedSpans,
      long corruptRecords,
      long corruptBytes,
      List<Path> corruptFiles) {}

  /** One segment file. Mutable state is guarded by the log's monitor. */
  static final class Segment {
    final long firstSeq;
    final Path path;
    final FileChannel channel;
    long size;
    int live;
    boolean active;

    /** Acked seqs, by {@code seq - firstSeq}, kept to rewrite the ack log when compacting. */
    final BitSet acked = new BitSet();

    Segment(long firstSeq, Path path, FileChannel channel, long size) {
      this.firstSeq = firstSeq;
      this.path = path;
      this.channel = channel;
      this.size = size;
    }
  }

  private final Path directory;
  private final long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private final Set<FileChannel> unsynced = new HashSet<>();
  private final CRC32C crc = new CRC32C();
  private FileChannel acks;
  private long ackBytes;
  private long ackedInLiveSegments;
  private long nextSeq;
  private long diskBytes;
  private boolean directoryUnsynced;
  private boolean closed;
  private Recovery recovery;

  private WriteAheadLog(Path directory, long segmentBytes, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory} (creating it if needed), recovers what is in it and starts a new
   * segment.
   *
   * @throws IllegalStateException if another process, or another queue in this process, holds the
   *     directory
   * @throws IOException if the directory cannot be created, read or written
   */
  static WriteAheadLog open(Path directory, long segmentBytes) throws IOException {
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
          "persistent queue directory "
              + directory
              + " is already used by another exporter in this process");
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
    if (lock == null) {
      String owner = readOwner(lockChannel);
      lockChannel.close();
      throw new IllegalStateException(
          "persistent queue directory "
              + directory
              + " is in use by another process"
              + (owner.isEmpty() ? "" : " (pid " + owner + ")")
              + "; each running instance needs its own sending_queue.storage.directory");
    }
    WriteAheadLog log = new WriteAheadLog(directory, segmentBytes, lockChannel, lock);
    try {
      lockChannel.truncate(0);
      lockChannel.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)),
          0);
      log.recover();
      return log;
    } catch (IOException | RuntimeException e) {
      log.close();
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

  /** What the last {@link #open} recovered. */
  Recovery recovery() {
    return recovery;
  }

  private synchronized void recover() throws IOException {
    // Marks: the last one per seq wins, except that an ack is final.
    Map<Long, Integer> marks = new HashMap<>();
    long maxSeq = 0;
    Path ackPath = directory.resolve(ACK_FILE);
    if (Files.exists(ackPath)) {
      byte[] bytes = Files.readAllBytes(ackPath);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      for (int pos = 0; pos + MARK_BYTES <= bytes.length; pos += MARK_BYTES) {
        long seq = buf.getLong(pos);
        int kind = buf.getInt(pos + 8);
        if (buf.getInt(pos + 12) != crc(bytes, pos, 12)) {
          // A torn mark can only make a batch be sent again, never lose it.
          continue;
        }
        maxSeq = Math.max(maxSeq, seq);
        if (marks.getOrDefault(seq, 0) != ACKED) {
          marks.put(seq, kind);
        }
      }
    }
    List<Record> pending = new ArrayList<>();
    long pendingSpans = 0;
    long dispatchedSpans = 0;
    long corruptRecords = 0;
    long corruptBytes = 0;
    List<Path> corruptFiles = new ArrayList<>();
    for (Path path : listSegments()) {
      long firstSeq = parseSegmentSeq(path);
      byte[] bytes = Files.readAllBytes(path);
      Segment segment =
          new Segment(
              firstSeq,
              path,
              FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE),
              bytes.length);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      long fileCorruptRecords = 0;
      int pos = 0;
      int corruptFrom = -1;
      while (pos < bytes.length) {
        int length = validRecordLength(bytes, buf, pos);
        if (length < 0) {
          if (corruptFrom < 0) {
            corruptFrom = pos;
          }
          pos = nextMagic(bytes, buf, pos + 1);
          continue;
        }
        if (corruptFrom >= 0) {
          fileCorruptRecords++;
          corruptBytes += pos - corruptFrom;
          corruptFrom = -1;
        }
        long seq = buf.getLong(pos + 12);
        int spans = buf.getInt(pos + 20);
        maxSeq = Math.max(maxSeq, seq);
        Integer mark = marks.get(seq);
        if (mark != null && mark == ACKED) {
          if (seq >= firstSeq && seq - firstSeq < Integer.MAX_VALUE) {
            segment.acked.set((int) (seq - firstSeq));
            ackedInLiveSegments++;
          }
        } else {
          segment.live++;
          pending.add(new Record(seq, spans, segment, pos + HEADER_BYTES, length));
          pendingSpans += spans;
          if (mark != null && mark == DISPATCHED) {
            dispatchedSpans += spans;
          }
        }
        pos += HEADER_BYTES + length;
      }
      if (corruptFrom >= 0) {
        fileCorruptRecords++;
        corruptBytes += bytes.length - corruptFrom;
      }
      if (fileCorruptRecords > 0) {
        corruptRecords += fileCorruptRecords;
        corruptFiles.add(path);
      }
      segments.put(firstSeq, segment);
      diskBytes += segment.size;
    }
    nextSeq = maxSeq + 1;
    for (Segment s : List.copyOf(segments.values())) {
      if (s.live == 0) {
        delete(s);
      }
    }
    rewriteAcks();
    startSegment();
    sync();
    recovery =
        new Recovery(
            List.copyOf(pending),
            pendingSpans,
            dispatchedSpans,
            corruptRecords,
            corruptBytes,
            List.copyOf(corruptFiles));
  }

  private List<Path> listSegments() throws IOException {
    TreeMap<Long, Path> found = new TreeMap<>();
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(directory, SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX)) {
      for (Path p : ds) {
        long seq = parseSegmentSeq(p);
        if (seq > 0) {
          found.put(seq, p);
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  private static long parseSegmentSeq(Path p) {
    String name = p.getFileName().toString();
    try {
      return Long.parseLong(
          name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return -1;
    }
  }

  /** The payload length of the valid record at {@code pos}, or -1. */
  private int validRecordLength(byte[] bytes, ByteBuffer buf, int pos) {
    if (bytes.length - pos < HEADER_BYTES || buf.getInt(pos) != MAGIC) {
      return -1;
    }
    int length = buf.getInt(pos + 8);
    if (length < 0 || length > bytes.length - pos - HEADER_BYTES || buf.getLong(pos + 12) <= 0) {
      return -1;
    }
    return buf.getInt(pos + 4) == crc(bytes, pos + 8, HEADER_BYTES - 8 + length) ? length : -1;
  }

  private static int nextMagic(byte[] bytes, ByteBuffer buf, int from) {
    for (int p = from; p + 4 <= bytes.length; p++) {
      if (buf.getInt(p) == MAGIC) {
        return p;
      }
    }
    return bytes.length;
  }

  private int crc(byte[] bytes, int offset, int length) {
    crc.reset();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  private void startSegment() throws IOException {
    Segment previous = segments.isEmpty() ? null : segments.lastEntry().getValue();
    if (previous != null && previous.active) {
      previous.active = false;
      if (previous.live == 0) {
        delete(previous);
      }
    }
    Path path =
        directory.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, nextSeq, SEGMENT_SUFFIX));
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Segment segment = new Segment(nextSeq, path, channel, 0);
    segment.active = true;
    segments.put(nextSeq, segment);
    directoryUnsynced = true;
  }

  /** The disk space a record with a payload of {@code payloadBytes} takes. */
  static long recordBytes(int payloadBytes) {
    return HEADER_BYTES + (long) payloadBytes;
  }

  /** Bytes held by segment files. */
  synchronized long diskBytes() {
    return diskBytes;
  }

  /**
   * Appends a record to the active segment, starting a new one when it is full.
   *
   * @throws IOException if it could not be written, in which case nothing is in the log
   */
  synchronized Record append(byte[] payload, int spans) throws IOException {
    if (closed) {
      throw new IOException("the persistent queue is closed");
    }
    if (payload.length > MAX_RECORD_BYTES) {
      throw new IOException("batch of " + payload.length + " bytes is too large to queue");
    }
    Segment segment = segments.lastEntry().getValue();
    if (segment.size > 0 && segment.size + recordBytes(payload.length) > segmentBytes) {
      startSegment();
      segment = segments.lastEntry().getValue();
    }
    long seq = nextSeq;
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    buf.putInt(MAGIC).putInt(0).putInt(payload.length).putLong(seq).putInt(spans).put(payload);
    buf.putInt(4, crc(buf.array(), 8, HEADER_BYTES - 8 + payload.length));
    buf.flip();
    long position = segment.size;
    try {
      while (buf.hasRemaining()) {
        segment.channel.write(buf, position + buf.position());
      }
    } catch (IOException e) {
      // Cut off what was written so that the next record does not follow garbage; if even that
      // fails, move on to a new segment and let recovery skip the torn record.
      try {
        segment.channel.truncate(position);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
        segment.size += buf.position();
        diskBytes += buf.position();
        startSegment();
      }
      throw e;
    }
    nextSeq++;
    segment.size += buf.limit();
    segment.live++;
    diskBytes += buf.limit();
    unsynced.add(segment.channel);
    return new Record(seq, spans, segment, position + HEADER_BYTES, payload.length);
  }

  /** The payload of {@code record}. */
  static byte[] read(Record record) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(record.length());
    long position = record.payloadPosition();
    while (buf.hasRemaining()) {
      int n = record.segment().channel.read(buf, position + buf.position());
      if (n < 0) {
        throw new IOException("unexpected end of " + record.segment().path);
      }
    }
    return buf.array();
  }

  /** Records that a consumer took {@code record}; it counts as possibly sent after a crash. */
  synchronized void dispatched(Record record) throws IOException {
    mark(record.seq(), DISPATCHED);
  }

  /** Records that {@code record} was handed back undelivered. */
  synchronized void released(Record record) throws IOException {
    mark(record.seq(), RELEASED);
  }

  /**
   * Records that {@code record} is done with (sent or given up) and deletes its segment if that was
   * the segment's last live record.
   */
  synchronized void acked(Record record) throws IOException {
    mark(record.seq(), ACKED);
    Segment s = record.segment();
    long index = record.seq() - s.firstSeq;
    if (index >= 0 && index < Integer.MAX_VALUE) {
      s.acked.set((int) index);
      ackedInLiveSegments++;
    }
    s.live--;
    if (s.live == 0 && !s.active) {
      delete(s);
    }
    if (ackBytes > ACK_COMPACT_MIN_BYTES && ackBytes > 8 * MARK_BYTES * ackedInLiveSegments) {
      rewriteAcks();
    }
  }

  private void mark(long seq, int kind) throws IOException {
    if (closed) {
      throw new IOException("the persistent queue is closed");
    }
    byte[] bytes = new byte[MARK_BYTES];
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    buf.putLong(seq).putInt(kind);
    buf.putInt(crc(bytes, 0, 12));
    buf.flip();
    while (buf.hasRemaining()) {
      acks.write(buf, ackBytes + buf.position());
    }
    ackBytes += MARK_BYTES;
    unsynced.add(acks);
  }

  private void delete(Segment s) throws IOException {
    segments.remove(s.firstSeq);
    unsynced.remove(s.channel);
    s.channel.close();
    try {
      Files.delete(s.path);
    } catch (NoSuchFileException e) {
      // Already gone: nothing to reclaim.
    }
    diskBytes -= s.size;
    ackedInLiveSegments -= s.acked.cardinality();
    directoryUnsynced = true;
  }

  /** Replaces the ack log by one holding only the acks of records still on disk. */
  private void rewriteAcks() throws IOException {
    Path tmp = directory.resolve(ACK_FILE + ".tmp");
    long written = 0;
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(MARK_BYTES * 1024);
      for (Segment s : segments.values()) {
        for (int i = s.acked.nextSetBit(0); i >= 0; i = s.acked.nextSetBit(i + 1)) {
          if (buf.remaining() < MARK_BYTES) {
            buf.flip();
            written += writeFully(out, buf);
            buf.clear();
          }
          int at = buf.position();
          buf.putLong(s.firstSeq + i).putInt(ACKED);
          buf.putInt(crc(buf.array(), at, 12));
        }
      }
      buf.flip();
      written += writeFully(out, buf);
      out.force(true);
    }
    if (acks != null) {
      unsynced.remove(acks);
      acks.close();
    }
    Files.move(
        tmp,
        directory.resolve(ACK_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    acks = FileChannel.open(directory.resolve(ACK_FILE), StandardOpenOption.WRITE);
    ackBytes = written;
    directoryUnsynced = true;
  }

  private static long writeFully(FileChannel out, ByteBuffer buf) throws IOException {
    long n = 0;
    while (buf.hasRemaining()) {
      n += out.write(buf);
    }
    return n;
  }

  /**
   * Forces everything written since the last call to the device. Appends and marks proceed while it
   * runs; what they write is covered by the next call.
   */
  void sync() throws IOException {
    List<FileChannel> channels;
    boolean syncDirectory;
    synchronized (this) {
      if (closed) {
        return;
      }
      channels = new ArrayList<>(unsynced);
      unsynced.clear();
      syncDirectory = directoryUnsynced;
      directoryUnsynced = false;
    }
    for (FileChannel c : channels) {
      try {
        c.force(false);
      } catch (ClosedChannelException e) {
        // Deleted or rewritten meanwhile: nothing left to force.
      }
    }
    if (syncDirectory) {
      syncDirectory();
    }
  }

  private void syncDirectory() {
    // Makes new and deleted file names durable. Not every platform can open a directory; there the
    // file system orders metadata itself, so failing here is not an error.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // See above.
    }
  }

  /** Syncs and closes every file and releases the lock. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    try {
      sync();
    } catch (IOException e) {
      // Closing anyway: what was not forced is in the page cache and reaches the disk by itself.
    }
    synchronized (this) {
      closed = true;
      for (Segment s : segments.values()) {
        closeQuietly(s.channel);
      }
      if (acks != null) {
        closeQuietly(acks);
      }
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } catch (IOException e) {
        // Closing the channel releases it too.
      }
      closeQuietly(lockChannel);
    }
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // Nothing more to do with it.
    }
  }

  /** The directory, for messages. */
  Path directory() {
    return directory;
  }
}
