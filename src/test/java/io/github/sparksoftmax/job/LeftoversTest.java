package io.github.sparksoftmax.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What dead runs leave beside the output: staging folders are removed, and an old output that a
 * run under overwrite moved aside is put back if the output path is empty, removed only if a
 * complete new output took its place. Nothing else in the folder is touched.
 */
class LeftoversTest {
  @TempDir
  Path dir;

  @Test
  void stagingFoldersAreRemovedAndNothingElse() throws IOException {
    folder(".out.softmax-writing-run1", "part-0.parquet");
    folder(".out.softmax-writing-run2", "_temporary/0/part-1.parquet");
    folder(".other.softmax-writing-run3", "part-0.parquet");
    folder("out", "part-0.parquet");

    Leftovers.clear(output());

    assertEquals(List.of(".other.softmax-writing-run3", "out"), Folders.names(dir));
    assertEquals(List.of("part-0.parquet"), Folders.names(dir.resolve("out")));
  }

  @Test
  void anOldOutputMovedAsideIsRestoredWhenTheOutputPathIsEmpty() throws IOException {
    folder(".out.softmax-replaced-run1", "old-part.parquet");
    folder(".out.softmax-writing-run1", "new-part.parquet");

    Leftovers.clear(output());

    assertEquals(List.of("out"), Folders.names(dir));
    assertEquals(List.of("old-part.parquet"), Folders.names(dir.resolve("out")));
  }

  @Test
  void anOldOutputMovedAsideIsRemovedOnceANewOutputTookItsPlace() throws IOException {
    folder(".out.softmax-replaced-run1", "old-part.parquet");
    folder("out", "new-part.parquet");

    Leftovers.clear(output());

    assertEquals(List.of("out"), Folders.names(dir));
    assertEquals(List.of("new-part.parquet"), Folders.names(dir.resolve("out")));
  }

  private OutputPath output() {
    return OutputPath.of(new Configuration(), dir.resolve("out").toString());
  }

  private void folder(String name, String file) throws IOException {
    Path path = dir.resolve(name).resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, name);
  }

}
