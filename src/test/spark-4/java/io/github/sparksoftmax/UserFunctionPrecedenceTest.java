package io.github.sparksoftmax;

import static io.github.sparksoftmax.SoftmaxExtensionsProviderTest.KNOWN_ROW;
import static io.github.sparksoftmax.SoftmaxExtensionsProviderTest.describe;
import static io.github.sparksoftmax.sql.SqlTestRows.DOUBLE_TOLERANCE;
import static io.github.sparksoftmax.sql.SqlTestRows.PROBABILITIES;
import static io.github.sparksoftmax.sql.SqlTestRows.assertRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.sql.SoftmaxFunctions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * Spark 4 looks an unqualified function name up among the built-in functions first, then among
 * the session's temporary ones ({@code spark.sql.functionResolution.sessionOrder=second}). The
 * library's functions are built-in ones, like Spark's own {@code vector_to_array}: a function that
 * a user registers as {@code softmax} is the session's {@code session.softmax}, and is what an
 * unqualified {@code softmax} calls once the session puts its own functions first.
 */
class UserFunctionPrecedenceTest extends LocalSparkTest {

  private static final String SESSION_ORDER = "spark.sql.functionResolution.sessionOrder";

  @Test
  void aUserFunctionOfTheSameNameIsTheSessionsOwnAndWinsWhenTheSessionPutsItsFunctionsFirst() {
    SparkSession userSession = spark.newSession();
    userSession.udf().register(SoftmaxFunctions.SOFTMAX,
        (UDF1<Object, String>) logits -> "the user's own", DataTypes.StringType);

    assertRow(PROBABILITIES, userSession.sql("SELECT softmax(" + KNOWN_ROW + ")").first().get(0),
        DOUBLE_TOLERANCE);
    assertTrue(describe(userSession, SoftmaxFunctions.SOFTMAX)
        .contains(SoftmaxFunctions.class.getName()));
    assertEquals("the user's own",
        userSession.sql("SELECT session.softmax(" + KNOWN_ROW + ")").first().getString(0));

    userSession.conf().set(SESSION_ORDER, "first");
    assertEquals("the user's own",
        userSession.sql("SELECT softmax(" + KNOWN_ROW + ")").first().getString(0));

    SparkSession otherSession = spark.newSession();
    otherSession.conf().set(SESSION_ORDER, "first");
    assertRow(PROBABILITIES, otherSession.sql("SELECT softmax(" + KNOWN_ROW + ")").first().get(0),
        DOUBLE_TOLERANCE);
  }
}
