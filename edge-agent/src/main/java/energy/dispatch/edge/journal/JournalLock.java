package energy.dispatch.edge.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An exclusive OS lock beside the journal file, so that two agents never share one journal. */
final class JournalLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private JournalLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static JournalLock acquire(Path journalPath) {
    Path lockPath = journalPath.resolveSibling(journalPath.getFileName() + ".lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(journalPath, lockPath, null);
      }
      return new JournalLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw inUse(journalPath, lockPath, e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new JournalException("cannot create the journal lock " + lockPath + ": " + e.getMessage()
          + "; check that the directory exists and is writable", e);
    } catch (JournalException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static JournalException inUse(Path journalPath, Path lockPath, Throwable cause) {
    String message = "journal " + journalPath + " is in use by another edge agent (lock " + lockPath
        + " is held); stop that agent or give this one its own journal path";
    return cause == null ? new JournalException(message) : new JournalException(message, cause);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new JournalException("cannot release the journal lock", e);
    }
  }
}
