package io.github.sparksoftmax.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The job's output path, qualified on its file system, and the hidden entries that runs keep
 * beside it, named {@code .NAME.softmax-ROLE-ID}: a run's lock file, its staging folder, the old
 * output it moves aside. Their names start with a dot, so readers of the parent folder (Spark,
 * Hadoop) skip them.
 */
final class OutputPath {
  final FileSystem fs;
  final Path target;

  private OutputPath(FileSystem fs, Path target) {
    this.fs = fs;
    this.target = target;
  }

  /**
   * The output path {@code output} on the file system that Spark's Hadoop settings give it.
   *
   * @throws JobFailure a data error if the path is malformed, a root directory, or its file
   *     system cannot be reached
   */
  static OutputPath of(SparkSession spark, String output) {
    return of(spark.sparkContext().hadoopConfiguration(), output);
  }

  /** The output path {@code output} on the file system that {@code hadoopConf} gives it. */
  static OutputPath of(Configuration hadoopConf, String output) {
    Path target;
    FileSystem fs;
    try {
      Path path = new Path(output);
      fs = path.getFileSystem(hadoopConf);
      target = fs.makeQualified(path);
    } catch (IOException | IllegalArgumentException e) {
      throw JobFailure.data("cannot use the output path '" + output + "'", e);
    }
    if (target.getParent() == null) {
      throw JobFailure.data("the output path cannot be a root directory: " + target);
    }
    return new OutputPath(fs, target);
  }

  /** The hidden sibling {@code .NAME.softmax-ROLE-ID} of the output path. */
  Path sibling(String role, String id) {
    return new Path(target.getParent(), prefix(role) + id);
  }

  /** The siblings of one role that exist, by their id in name order. */
  Map<String, FileStatus> siblings(String role) throws IOException {
    String prefix = prefix(role);
    Map<String, FileStatus> found = new TreeMap<>();
    try {
      for (FileStatus status : fs.listStatus(target.getParent(),
          path -> path.getName().startsWith(prefix))) {
        found.put(status.getPath().getName().substring(prefix.length()), status);
      }
    } catch (FileNotFoundException e) {
      // No parent folder: no siblings.
    }
    return found;
  }

  /**
   * True if {@code path} exists.
   *
   * @throws JobFailure a data error if the file system cannot tell
   */
  boolean exists(Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw JobFailure.data("cannot check the output path '" + path + "'", e);
    }
  }

  private String prefix(String role) {
    return "." + target.getName() + ".softmax-" + role + "-";
  }
}
