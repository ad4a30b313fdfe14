package io.github.sparksoftmax;

import static io.github.sparksoftmax.SoftmaxExtensionsProviderTest.KNOWN_ROW;
import static io.github.sparksoftmax.SoftmaxExtensionsProviderTest.describe;
import static io.github.sparksoftmax.sql.SqlTestRows.DOUBLE_TOLERANCE;
import static io.github.sparksoftmax.sql.SqlTestRows.LOG_PROBABILITIES;
import static io.github.sparksoftmax.sql.SqlTestRows.PROBABILITIES;
import static io.github.sparksoftmax.sql.SqlTestRows.assertRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.sql.SoftmaxFunctions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * Spark 3.5 keeps built-in and temporary functions in one registry per session, so a function
 * that a user registers as {@code softmax} replaces the library's in that session, and only there.
 */
class UserFunctionPrecedenceTest extends LocalSparkTest {

  @Test
  void aUserFunctionOfTheSameNameReplacesTheLibrarysInItsSessionOnly() {
    SparkSession userSession = spark.newSession();
    userSession.udf().register(SoftmaxFunctions.SOFTMAX,
        (UDF1<Object, String>) logits -> "the user's own", DataTypes.StringType);

    assertEquals("the user's own",
        userSession.sql("SELECT softmax(" + KNOWN_ROW + ")").first().getString(0));
    String description = describe(userSession, SoftmaxFunctions.SOFTMAX);
    assertFalse(description.contains(SoftmaxFunctions.class.getName()), description);
    assertRow(LOG_PROBABILITIES,
        userSession.sql("SELECT log_softmax(" + KNOWN_ROW + ")").first().get(0), DOUBLE_TOLERANCE);

    SparkSession otherSession = spark.newSession();
    assertRow(PROBABILITIES, otherSession.sql("SELECT softmax(" + KNOWN_ROW + ")").first().get(0),
        DOUBLE_TOLERANCE);
    assertTrue(describe(otherSession, SoftmaxFunctions.SOFTMAX)
        .contains(SoftmaxFunctions.class.getName()));
  }
}
