package io.github.sparksoftmax.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears what runs that died left beside the output: their staging folders, and the old output
 * that a run under {@code --mode overwrite} moved aside. It runs once the run holds the output's
 * lock, so every such folder belongs to a run that no longer writes. The old output is never
 * lost: if the output path is empty it is moved back; only once a complete new output has taken
 * its place is it deleted, as its run meant to. Each step is logged.
 */
final class Leftovers {
  /** The role of a run's staging folder among the output's siblings. */
  static final String STAGING = "writing";
  /** The role of the old output that a run moved aside to put its new output in place. */
  static final String REPLACED = "replaced";
  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /**
   * Restores or deletes the old outputs that dead runs moved aside, then deletes their staging
   * folders.
   *
   * @throws JobFailure a data error if the file system fails
   */
  static void clear(OutputPath output) {
    try {
      List<FileStatus> replaced = new ArrayList<>(output.siblings(REPLACED).values());
      if (!replaced.isEmpty() && !output.exists(output.target)) {
        replaced.sort(Comparator.comparingLong(FileStatus::getModificationTime));
        Path latest = replaced.remove(replaced.size() - 1).getPath();
        if (!output.fs.rename(latest, output.target)) {
          throw new IOException("cannot rename " + latest + " to " + output.target);
        }
        LOG.warn("Restored the output {} from {}, where a run that died had moved it aside",
            output.target, latest);
        for (FileStatus older : replaced) {
          LOG.warn("Left {} in place: an older output that a run moved aside", older.getPath());
        }
      } else {
        for (FileStatus old : replaced) {
          output.fs.delete(old.getPath(), true);
          LOG.warn("Removed {}, the old output that a run which died had replaced with its"
              + " complete new output", old.getPath());
        }
      }
      for (FileStatus staging : output.siblings(STAGING).values()) {
        output.fs.delete(staging.getPath(), true);
        LOG.warn("Removed the staging folder {}, left by a run that died", staging.getPath());
      }
    } catch (IOException e) {
      throw JobFailure.data("cannot clear what an earlier run left beside the output '"
          + output.target + "'", e);
    }
  }
}
