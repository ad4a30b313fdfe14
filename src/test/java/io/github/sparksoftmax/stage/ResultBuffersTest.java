package io.github.sparksoftmax.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.sparksoftmax.JavaSerialization;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.junit.jupiter.api.Test;

class ResultBuffersTest {

  @Test
  void theOwningThreadGetsTheSameBuffersForTheSameWidth() {
    ResultBuffers buffers = new ResultBuffers();
    UnsafeRow first = buffers.vector(10);
    assertSame(first, buffers.vector(10));
    UnsafeRow wider = buffers.vector(11);
    assertNotSame(first, wider);
    assertEquals(11, wider.getArray(3).numElements());
    UnsafeArrayData array = buffers.array(5);
    assertSame(array, buffers.array(5));
    assertEquals(5, array.numElements());
  }

  @Test
  void floatResultsAndWidenedLogitsAreReusedForTheSameWidth() {
    ResultBuffers buffers = new ResultBuffers();
    UnsafeArrayData floats = buffers.floatArray(3);
    assertSame(floats, buffers.floatArray(3));
    assertEquals(3, floats.numElements());
    assertSame(buffers.scratchResult(3), buffers.scratchResult(3));
    double[] wide = buffers.widened(UnsafeArrayData.fromPrimitiveArray(new float[] {1.5f, -2f}));
    assertArrayEquals(new double[] {1.5, -2.0}, wide);
    assertSame(wide,
        buffers.widened(UnsafeArrayData.fromPrimitiveArray(new float[] {0.25f, 3f})));
    assertArrayEquals(new double[] {0.25, 3.0}, wide);
  }

  @Test
  void anotherThreadGetsFreshBuffersOnEveryCall() throws Exception {
    ResultBuffers buffers = new ResultBuffers();
    UnsafeRow owned = buffers.vector(10);
    UnsafeRow[] other = CompletableFuture.supplyAsync(
        () -> new UnsafeRow[] {buffers.vector(10), buffers.vector(10)}).get();
    assertNotSame(other[0], other[1]);
    assertNotSame(owned, other[0]);
    assertSame(owned, buffers.vector(10));
  }

  @Test
  void logitsAreCopiedIntoAnArrayOfTheirLength() throws Exception {
    ResultBuffers buffers = new ResultBuffers();
    double[] first = buffers.logits(UnsafeArrayData.fromPrimitiveArray(new double[] {1, 2, 3}));
    assertArrayEquals(new double[] {1, 2, 3}, first);
    double[] second = buffers.logits(UnsafeArrayData.fromPrimitiveArray(new double[] {4, 5, 6}));
    assertSame(first, second);
    assertArrayEquals(new double[] {4, 5, 6}, second);
    double[] other = CompletableFuture.supplyAsync(
        () -> buffers.logits(UnsafeArrayData.fromPrimitiveArray(new double[] {7, 8}))).get();
    assertArrayEquals(new double[] {7, 8}, other);
    assertArrayEquals(new double[] {4, 5, 6}, first);
  }

  @Test
  void aDeserializedCopyHasNoOwnerAndEqualsTheOriginal() throws Exception {
    ResultBuffers buffers = new ResultBuffers();
    buffers.vector(10);
    ResultBuffers copy = JavaSerialization.roundTrip(buffers);
    ExecutorService task = Executors.newSingleThreadExecutor();
    try {
      UnsafeRow inTask = task.submit(() -> copy.vector(10)).get();
      assertSame(inTask, task.submit(() -> copy.vector(10)).get(),
          "the first thread to use the copy owns it");
    } finally {
      task.shutdown();
    }
    assertEquals(buffers, copy);
    assertEquals(buffers.hashCode(), copy.hashCode());
  }

  @Test
  void freshResultBuffersGiveANewResultEveryRowButReuseTheLogitsCopy() {
    ResultBuffers buffers = ResultBuffers.forFreshResults();
    assertNotSame(buffers.vector(4), buffers.vector(4));
    assertNotSame(buffers.array(4), buffers.array(4));
    assertNotSame(buffers.floatArray(4), buffers.floatArray(4));
    assertSame(buffers.logitsArray(4), buffers.logitsArray(4));
    assertSame(buffers.scratchResult(4), buffers.scratchResult(4));
    assertNotEquals(new ResultBuffers(), buffers);
    assertEquals(ResultBuffers.forFreshResults(), buffers);
  }
}
